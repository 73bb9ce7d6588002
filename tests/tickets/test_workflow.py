"""Routing and the operator workflow (tickets/workflow.yml), on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from core.db import transaction
from knowledge.agencies import all_agencies, route_for
from knowledge.categories import all_categories
from tests import factories
from tickets.models import Notification, StaffUser, Ticket, TicketEvent
from tickets.statuses import all_statuses
from tickets.workflow import Request, WorkflowError, actions, available_actions, perform

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def _ticket(category: str = "sampah", region: str = "bandar_lampung") -> int:
    with transaction() as session:
        return factories.ticket(session=session, category=category, region=region, now=NOW).id


def _staff(role: str, region: str | None = "bandar_lampung", agency: str | None = None) -> int:
    with transaction() as session:
        return factories.staff(session=session, role=role, region=region, agency=agency).id


def _do(ticket_id: int, action: str, staff_id: int, **request: object) -> TicketEvent:
    with transaction() as session:
        ticket = session.get(Ticket, ticket_id)
        actor = session.get(StaffUser, staff_id)
        assert ticket is not None and actor is not None
        target = request.pop("target", None)
        req = Request(**request)  # type: ignore[arg-type]
        if target is not None:
            req.target = session.get(Ticket, target)
        event = perform(session=session, ticket=ticket, action=action, actor=actor,
                        request=req, now=NOW + timedelta(hours=2))  # fmt: skip
        session.expunge(event)
        return event


def _get(ticket_id: int) -> Ticket:
    with transaction() as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None
        session.expunge(ticket)
        return ticket


def test_every_category_is_routed_to_a_known_agency_or_triaged() -> None:
    codes = {a.code for a in all_agencies()}
    for category in all_categories():
        route = route_for(category.id)
        assert route.agency is None or route.agency in codes
        assert set(route.also) <= codes
    assert route_for("pelayanan_publik").agency is None
    assert route_for("pungli").agency == "inspektorat"
    assert route_for("jalan_rusak").also == ("bpjn_lampung", "dinas_bmbk")


@pytest.mark.parametrize("category", [c.id for c in all_categories()])
def test_new_ticket_gets_suggested_agency_and_forward_deadline(db: str, category: str) -> None:
    ticket = _get(_ticket(category))
    assert ticket.suggested_agency_code == route_for(category).agency
    assert ticket.forward_due_at == NOW + timedelta(hours=24)
    assert ticket.agency_code is None and ticket.act_due_at is None


def test_forward_accept_progress_resolve(db: str) -> None:
    ticket_id = _ticket()
    operator = _staff("operator")
    agency = _staff("agency", agency="dlh")
    _do(ticket_id, "forward", operator, agency="dlh")
    forwarded = _get(ticket_id)
    assert (forwarded.status, forwarded.agency_code) == ("forwarded", "dlh")
    assert forwarded.act_due_at == NOW + timedelta(hours=2 + 72)
    _do(ticket_id, "accept", agency)
    _do(ticket_id, "progress", agency, note="Truk sampah dijadwalkan besok pagi")
    event = _do(ticket_id, "resolve", agency, note="Sampah sudah diangkut")
    assert (event.from_status, event.to_status, event.actor) == (
        "in_progress", "resolved", f"agency:{agency}",
    )  # fmt: skip
    assert _get(ticket_id).resolved_at is not None
    with transaction() as session:
        notices = session.scalars(select(Notification).order_by(Notification.id)).all()
        assert [n.response for n in notices] == [
            "utter_notifikasi_diteruskan", "utter_notifikasi_diproses",
            "utter_notifikasi_progres", "utter_notifikasi_selesai",
        ]  # fmt: skip
        assert notices[0].variables["instansi"] == "Dinas Lingkungan Hidup (DLH)"
        assert notices[0].variables["batas"] == "26-11-2026 12.00 WIB"


# Every (action, status) pair: allowed exactly when workflow.yml says so.
PAIRS = [(a, s) for a in actions() for s in all_statuses()]


@pytest.mark.parametrize(("action", "status"), PAIRS, ids=[f"{a}-{s}" for a, s in PAIRS])
def test_transition_matrix(db: str, action: str, status: str) -> None:
    target, merged_into = _ticket(), _ticket()
    admin = _staff("admin", region=None)
    with transaction() as session:
        # Reached through the workflow ("closed": merged into another open ticket).
        ticket_id = factories.ticket(session=session, status=status, now=NOW,
                                     merged_into=session.get(Ticket, merged_into)).id  # fmt: skip
    kwargs = {"agency": "dinas_pupr", "reason": "bukan wewenang", "note": "catatan",
              "target": target, "region": "metro", "lapor_id": "LPR-2612-1"}  # fmt: skip
    if action in actions() and status in actions()[action].from_statuses:
        event = _do(ticket_id, action, admin, **kwargs)
        assert event.to_status == actions()[action].to
    else:
        with pytest.raises(WorkflowError) as refused:
            _do(ticket_id, action, admin, **kwargs)
        assert refused.value.code == "status"
        assert "tidak bisa dilakukan" in str(refused.value)


def test_roles_scope_and_inputs_are_checked(db: str) -> None:
    ticket_id = _ticket()
    agency = _staff("agency", agency="dlh")
    other_operator = _staff("operator", region="metro")
    operator = _staff("operator")
    leader = _staff("leader", region=None)
    cases = [
        (agency, "forward", {"agency": "dlh"}, "role"),
        (leader, "reject", {"reason": "x"}, "role"),
        (other_operator, "forward", {"agency": "dlh"}, "scope"),
        (operator, "forward", {}, "missing"),
        (operator, "forward", {"agency": "dinas_rahasia"}, "agency"),
        (operator, "reject", {}, "missing"),
        (operator, "terbang", {}, "unknown_action"),
        (operator, "reroute", {"reason": "x", "region": "atlantis"}, "region"),
        (operator, "reroute", {"reason": "x"}, "reroute_same"),
    ]
    for actor, action, request, code in cases:
        with pytest.raises(WorkflowError) as refused:
            _do(ticket_id, action, actor, **request)
        assert refused.value.code == code, (action, request)
    assert _get(ticket_id).status == "new"
    # Agency staff of another agency cannot touch a forwarded ticket.
    _do(ticket_id, "forward", operator, agency="dinas_pupr")
    with pytest.raises(WorkflowError) as refused:
        _do(ticket_id, "accept", agency)
    assert refused.value.code == "scope"


def test_reroute_moves_the_ticket_to_another_queue(db: str) -> None:
    ticket_id = _ticket()
    operator = _staff("operator")
    _do(ticket_id, "forward", operator, agency="dlh")
    dlh = _staff("agency", agency="dlh")
    event = _do(ticket_id, "reroute", dlh, reason="bukan wewenang: lokasi di Metro",
                region="metro")  # fmt: skip
    ticket = _get(ticket_id)
    assert (ticket.status, ticket.region_code, ticket.agency_code) == ("new", "metro", None)
    assert ticket.suggested_agency_code == "dlh"
    assert ticket.forward_due_at == NOW + timedelta(hours=2 + 24)
    assert event.data["from_region"] == "bandar_lampung"
    assert event.note is not None and event.note.startswith("bukan")
    # Now only Metro's operators see it.
    assert available_actions(ticket, _load(operator)) == []
    assert "forward" in available_actions(ticket, _load(_staff("operator", region="metro")))


def _load(staff_id: int) -> StaffUser:
    with transaction() as session:
        user = session.get(StaffUser, staff_id)
        assert user is not None
        session.expunge(user)
        return user


def test_merge_into_an_open_ticket(db: str) -> None:
    first, second = _ticket(), _ticket()
    operator = _staff("operator")
    event = _do(second, "merge", operator, target=first)
    assert event.data == {"merged_into": _get(first).number}
    merged = _get(second)
    assert (merged.status, merged.merged_into_id) == ("closed", first)
    with pytest.raises(WorkflowError) as refused:
        _do(_ticket(), "merge", operator, target=second)  # closed target
    assert refused.value.code == "target"


def test_two_operators_at_once_cannot_both_win(db: str) -> None:
    ticket_id = _ticket()
    operators = [_staff("operator") for _ in range(6)]
    start = threading.Barrier(len(operators))
    results: list[str] = []
    lock = threading.Lock()

    def act(staff_id: int, agency: str) -> None:
        start.wait()
        try:
            _do(ticket_id, "forward", staff_id, agency=agency)
            outcome = "won"
        except WorkflowError as error:
            outcome = error.code
        except StaleDataError:
            outcome = "conflict"
        with lock:
            results.append(outcome)

    agencies = ["dlh", "dinas_pupr", "dishub", "dlh", "satpol_pp", "dinas_perkim"]
    threads = [threading.Thread(target=act, args=a) for a in zip(operators, agencies, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(results) == len(operators) and results.count("won") == 1, results
    assert set(results) - {"won"} <= {"status", "conflict"}
    with transaction() as session:
        forwards = session.scalar(
            select(func.count()).select_from(TicketEvent).where(TicketEvent.kind == "forward")
        )
    assert forwards == 1
