"""IKM per OPD (Permenpan RB 14/2017) on a fixture computed by hand:

Four citizens whose DLH tickets were resolved answer the survey. Element U1 gets
4, 4, 3, 3 (NRR 3.50); the eight others 4, 4, 4, 3 (NRR 3.75 each). With equal
weights (1/9): IKM = (3.50 + 8 x 3.75) / 9 = 33.50 / 9 = 3.7222; x 25 = 93.06,
grade A (88.31-100, "Sangat baik"). Six DLH tickets were resolved in the period, so
Krejcie-Morgan asks for 6 respondents (every user, for so few): "belum cukup".
For 100 users the table's 80.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.cli import main
from core.db import transaction
from core.timestamps import utcnow
from tests import factories
from tickets.ikm import IkmError, elements, grade_of, minimum_sample, next_element, record_answer
from tickets.ikm import report as ikm_report
from tickets.models import Ticket

U1_SCORES = (4, 4, 3, 3)
OTHER_SCORES = (4, 4, 4, 3)


def _resolved(count: int) -> list[int]:
    with transaction() as session:
        return [
            factories.ticket(session=session, category="sampah", status="resolved", agency="dlh").id
            for _ in range(count)
        ]


def _answer_all(ticket_ids: list[int]) -> None:
    with transaction() as session:
        for i, ticket_id in enumerate(ticket_ids[:4]):
            ticket = session.get(Ticket, ticket_id)
            assert ticket is not None
            for element in elements():
                score = U1_SCORES[i] if element.code == "U1" else OTHER_SCORES[i]
                record_answer(session=session, ticket=ticket, element=element.code, score=score)


def test_the_hand_checked_fixture(db: str) -> None:
    ids = _resolved(6)
    _answer_all(ids)
    now = utcnow()
    with transaction() as session:
        [dlh] = ikm_report(session=session, start=now - timedelta(days=1), end=now + timedelta(1))
    assert dlh.agency == "dlh" and dlh.respondents == 4
    assert dlh.nrr["U1"] == pytest.approx(3.50)
    assert all(dlh.nrr[f"U{i}"] == pytest.approx(3.75) for i in range(2, 10))
    assert dlh.ikm == pytest.approx(33.5 / 9)
    assert round(dlh.score or 0, 2) == 93.06
    assert dlh.grade is not None and (dlh.grade.grade, dlh.grade.label) == ("A", "Sangat baik")
    assert (dlh.service_users, dlh.minimum_sample, dlh.enough) == (6, 6, False)


def test_grades_and_sample_sizes_follow_the_regulation_and_the_table() -> None:
    assert [grade_of(v).grade for v in (100, 88.31, 88.30, 76.61, 76.60, 65.0, 64.99, 25)] == [
        "A",
        "A",
        "B",
        "B",
        "C",
        "C",
        "D",
        "D",
    ]
    # Krejcie and Morgan's table: N -> n.
    assert [minimum_sample(n) for n in (10, 50, 100, 500, 1000, 10000, 100000)] == [
        10,
        44,
        80,
        217,
        278,
        370,
        383,
    ]
    assert abs(sum(e.weight for e in elements()) - 1) < 1e-9 and len(elements()) == 9


def test_answers_are_one_set_per_ticket_resumable_and_only_after_resolution(db: str) -> None:
    [ticket_id] = _resolved(1)
    with transaction() as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None
        first = next_element(session=session, ticket=ticket)
        assert first is not None and first.code == "U1"
        record_answer(session=session, ticket=ticket, element="U1", score=2)
        again = record_answer(session=session, ticket=ticket, element="U1", score=4)
        assert again.score == 2  # the first answer stays
        resumed = next_element(session=session, ticket=ticket)
        assert resumed is not None and resumed.code == "U2"
        with pytest.raises(IkmError):
            record_answer(session=session, ticket=ticket, element="U2", score=5)
        with pytest.raises(IkmError):
            record_answer(session=session, ticket=ticket, element="U10", score=3)
        fresh = factories.ticket(session=session)
        with pytest.raises(IkmError, match="setelah laporan selesai"):
            record_answer(session=session, ticket=fresh, element="U1", score=3)


def test_a_partial_set_counts_in_the_nrr_but_not_as_a_respondent(db: str) -> None:
    [ticket_id] = _resolved(1)
    with transaction() as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None
        record_answer(session=session, ticket=ticket, element="U1", score=3)
        [dlh] = ikm_report(
            session=session, start=utcnow() - timedelta(1), end=utcnow() + timedelta(1)
        )
    assert dlh.respondents == 0 and dlh.nrr == {"U1": 3.0}
    assert dlh.ikm is None and dlh.grade is None


def test_ikm_report_on_the_command_line(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    _answer_all(_resolved(6))
    today = utcnow().date().isoformat()
    assert main(["ikm", "report", "--from", today, "--to", today, "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert (row["agency"], row["ikm_25_100"], row["grade"]) == ("dlh", 93.06, "A")
    assert row["enough_respondents"] is False and row["minimum_sample"] == 6
    assert main(["ikm", "report", "--from", today, "--to", today]) == 0
    out = capsys.readouterr().out
    assert "IKM 93.06, mutu A (Sangat baik)" in out and "belum cukup responden" in out


def test_every_question_has_four_answers_whose_short_forms_fit_a_whatsapp_row() -> None:
    for element in elements():
        assert element.question.endswith("?") and len(element.options) == 4
        assert all(len(f"4 · {short}") <= 24 for short in element.short), element
