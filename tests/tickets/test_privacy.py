"""A confidential report's personal data never reaches staff chats, alerts or
escalations in clear; one scope rule for single tickets and queries (issue 13)."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from core.db import transaction
from core.timestamps import WIB, utcnow
from tests import factories
from tickets.escalation import daily_digest, sweep
from tickets.models import Notification, StaffChat, StaffUser, Ticket
from tickets.privacy import text_for
from tickets.scope import can_view, visible_filter
from tickets.staff_alerts import AGENCY_RESPONSE, OPERATOR_RESPONSE
from tickets.workflow import Request, perform

PII = "saya Siti, NIK 1871012345670001, wa +62 812-3456-7890, siti.aminah@yahoo.co.id"
MASKED = "saya S***, NIK 187101**********, wa 0812******90, s***@yahoo.co.id"
SECRETS = ("Siti", "1871012345670001", "3456", "siti.aminah")


def _notifications(response: str) -> list[Notification]:
    with transaction() as s:
        rows = list(s.scalars(select(Notification).where(Notification.response == response)))
        s.expunge_all()
        return rows


def _assert_clean(rows: list[Notification]) -> None:
    assert rows
    for row in rows:
        text = json.dumps(row.variables, ensure_ascii=False)
        for secret in SECRETS:
            assert secret not in text, (row.response, secret)


def test_text_for_masks_a_confidential_report_for_every_staff_viewer() -> None:
    secret = Ticket(confidential=True, description=PII)
    plain = Ticket(confidential=False, description=PII)
    staff = StaffUser(role="admin", active=True)
    chat = StaffChat(channel="telegram", chat_key="-1", region_code="metro")
    assert text_for(staff, secret, PII) == MASKED
    assert text_for(chat, secret, PII) == MASKED
    assert text_for(None, secret, PII) == PII  # the local admin CLI
    assert text_for(staff, plain, PII) == PII


def test_alerts_to_operator_and_agency_chats_are_masked_when_confidential(db: str) -> None:
    with transaction() as s:
        factories.staff_chat(session=s, region="bandar_lampung")
        factories.staff_chat(session=s, region="bandar_lampung", agency="dlh")
        factories.staff_chat(session=s, agency="inspektorat")
        # "Kirim rahasia" on an ordinary report, and a pungli report.
        rubbish = factories.ticket(session=s, category="sampah", description=PII,
                                   confidential=True)  # fmt: skip
        pungli = factories.ticket(session=s, category="pungli", description=PII,
                                  confidential=True)  # fmt: skip
        admin = factories.staff(session=s, role="admin")
        for ticket, agency in ((rubbish, "dlh"), (pungli, "inspektorat")):
            perform(session=s, ticket=ticket, action="forward", actor=admin,
                    request=Request(agency=agency))  # fmt: skip
        factories.ticket(session=s, category="sampah", description=PII)  # not confidential
    operators, agencies = _notifications(OPERATOR_RESPONSE), _notifications(AGENCY_RESPONSE)
    assert len(operators) == 3 and len(agencies) == 2
    _assert_clean([n for n in operators if n.variables["uraian"] != PII])
    assert sorted(n.variables["uraian"] for n in operators) == [MASKED, MASKED, PII]
    _assert_clean(agencies)
    assert {n.variables["uraian"] for n in agencies} == {MASKED}


def test_escalations_and_the_digest_carry_no_report_text(db: str) -> None:
    now = utcnow()
    with transaction() as s:
        factories.staff(session=s, role="coordinator", region="bandar_lampung")
        factories.staff(session=s, role="leader")
        factories.ticket(session=s, category="pungli", description=PII, confidential=True,
                         now=now - timedelta(days=30))  # fmt: skip
    with transaction() as s:
        result = sweep(session=s, now=now)
        assert result.notified >= 1
        assert daily_digest(session=s, day=now.astimezone(WIB).date()) >= 1
    with transaction() as s:
        rows = list(s.scalars(select(Notification).where(Notification.ticket_id.is_(None))))
        s.expunge_all()
    assert {r.response for r in rows} >= {"utter_eskalasi_teruskan", "utter_ringkasan_harian_sla"}
    _assert_clean(rows)


def test_the_scope_rule_is_the_same_for_one_ticket_and_for_a_query(db: str) -> None:
    with transaction() as s:
        tickets = [
            factories.ticket(session=s, category="sampah", alert=False),
            factories.ticket(session=s, category="sampah", status="forwarded", alert=False),
            factories.ticket(
                session=s, category="sampah", region="metro", status="forwarded", alert=False
            ),
            factories.ticket(session=s, category="pungli", status="forwarded", alert=False),
            factories.ticket(session=s, category="sampah", region=None, alert=False),
        ]
        viewers = [
            factories.staff(session=s, role=role, region=region, agency=agency, active=active)
            for role, region, agency, active in (
                ("operator", "bandar_lampung", None, True),
                ("operator", None, None, True),
                ("operator", "metro", None, False),
                ("coordinator", "metro", None, True),
                ("agency", "bandar_lampung", "dlh", True),
                ("agency", None, "dlh", True),
                ("agency_head", "metro", "dlh", True),
                ("agency", None, "inspektorat", True),
                ("leader", None, None, True),
                ("admin", "metro", None, True),
            )
        ]
        seen = 0
        for viewer in viewers:
            expected = {t.id for t in tickets if can_view(viewer, t)}
            queried = set(s.scalars(select(Ticket.id).where(visible_filter(viewer))))
            assert queried == expected, (viewer.role, viewer.region_code, viewer.agency_code)
            seen += len(expected)
        assert 0 < seen < len(viewers) * len(tickets)  # the rule does select
        province_operator, retired = viewers[1], viewers[2]
        assert all(can_view(province_operator, t) for t in tickets)
        assert not any(can_view(retired, t) for t in tickets)


def test_a_report_of_a_confidential_category_is_confidential_whoever_files_it(db: str) -> None:
    """The chat sets it from the category; another path (the command line, Open311,
    a test factory) that forgets cannot file a pungli report that shows its reporter."""
    with transaction() as session:
        pungli = factories.ticket(session=session, category="pungli", confidential=False)
        road = factories.ticket(session=session, category="jalan_rusak", confidential=False)
        chosen = factories.ticket(session=session, category="jalan_rusak", confidential=True)
        assert (pungli.confidential, road.confidential, chosen.confidential) == (True, False, True)
