"""The set-based SLA sweep (issue 15): escalation_due_at follows each ticket's
deadline, a round costs the same few statements however many tickets are open or
long overdue, reads through its index, and runs in one process at a time."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from core.db import transaction
from tests import factories
from tests.conftest import backend_of
from tests.support.query_plans import analyze, full_scans, plan_of
from tickets.escalation import breach_counts_query, sweep, sweep_and_digest
from tickets.models import Citizen, Escalation, Notification, StaffUser, Ticket
from tickets.sweep import SweepResult, due_query
from tickets.workflow import Request, perform, reopen

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # Monday 08.00 WIB
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


def _due_at(ticket_id: int) -> datetime | None:
    with transaction() as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None
        return ticket.escalation_due_at


def _act(ticket_id: int, action: str, now: datetime, **request: Any) -> None:
    with transaction() as session:
        ticket = session.get(Ticket, ticket_id)
        admin = factories.staff(session=session, role="admin", contacts=())
        assert ticket is not None
        perform(session=session, ticket=ticket, action=action, actor=admin,
                request=Request(**request), now=now)  # fmt: skip


def _sweep(now: datetime, limit: int | None = None) -> SweepResult:
    with transaction() as session:
        if limit is None:
            return sweep(session=session, now=now)
        return sweep(session=session, now=now, limit=limit)


def test_escalation_due_at_follows_the_awaited_deadline(db: str) -> None:
    with transaction() as session:
        citizen = factories.citizen(session=session)
        ticket = factories.ticket(session=session, citizen=citizen, now=T0)
        ticket_id, citizen_id = ticket.id, citizen.id
        assert ticket.escalation_due_at == ticket.forward_due_at == T0 + DAY
    assert _sweep(T0 + DAY + HOUR).recorded == [(ticket.number, "forward", 1)]
    assert _due_at(ticket_id) == T0 + 2 * DAY  # level 2 a day later
    assert _sweep(T0 + DAY + 2 * HOUR).recorded == []  # nothing read, nothing recorded

    _act(ticket_id, "forward", T0 + DAY + 3 * HOUR, agency="dlh")  # a new deadline: level 1
    act_due = T0 + DAY + 3 * HOUR + 3 * DAY
    assert _due_at(ticket_id) == act_due
    assert [r[1:] for r in _sweep(act_due + 2 * DAY).recorded] == [("act", 1), ("act", 2)]
    assert _due_at(ticket_id) is None  # nothing more to escalate

    _act(ticket_id, "accept", act_due + 2 * DAY + HOUR)  # the same deadline: stays
    assert _due_at(ticket_id) is None
    _act(ticket_id, "resolve", act_due + 2 * DAY + 2 * HOUR, note="selesai")
    assert _due_at(ticket_id) is None
    with transaction() as session:  # "belum beres": a new action deadline
        reopened = session.get(Ticket, ticket_id)
        assert reopened is not None
        reopen(session=session, ticket=reopened, citizen_id=citizen_id,
               now=act_due + 3 * DAY)  # fmt: skip
        assert reopened.escalation_due_at == reopened.act_due_at == act_due + 6 * DAY
    with transaction() as session:  # a status written directly, as some tests do
        direct = session.get(Ticket, ticket_id)
        assert direct is not None
        direct.status = "closed"
    assert _due_at(ticket_id) is None


def test_a_rerouted_ticket_gets_a_new_breach_and_the_old_one_is_not_repeated(db: str) -> None:
    with transaction() as session:
        ticket_id = factories.ticket(session=session, now=T0).id
    assert len(_sweep(T0 + DAY + HOUR).recorded) == 1
    _act(ticket_id, "reroute", T0 + DAY + 2 * HOUR, reason="bukan wilayah", region="metro")
    assert _due_at(ticket_id) == T0 + 2 * DAY + 2 * HOUR
    recorded = _sweep(T0 + 3 * DAY + 3 * HOUR).recorded
    assert sorted(r[1:] for r in recorded) == [("forward", 1), ("forward", 2)]
    with transaction() as session:
        dues = session.scalars(select(Escalation.due_at).where(Escalation.level == 1)).all()
    assert sorted(dues) == [T0 + DAY, T0 + 2 * DAY + 2 * HOUR]


def test_a_round_takes_at_most_its_batch_and_the_next_round_the_rest(db: str) -> None:
    with transaction() as session:
        for _ in range(3):
            factories.ticket(session=session, now=T0, alert=False)
    assert len(_sweep(T0 + DAY + HOUR, limit=2).recorded) == 2
    assert len(_sweep(T0 + DAY + HOUR, limit=2).recorded) == 1
    assert _sweep(T0 + DAY + HOUR, limit=2).recorded == []


# --- cost: the same statements at 50 and at 500 open and overdue tickets ----------------


def _bulk_tickets(session: Session, count: int, *, filed: datetime, forwarded: bool) -> None:
    """`count` tickets of one citizen, added as rows (the flush hook schedules them)."""
    citizen = Citizen(display_name="warga")
    session.add(citizen)
    seq = int(session.scalar(select(func.count()).select_from(Ticket)) or 0) + 10_000
    for n in range(seq, seq + count):
        session.add(Ticket(
            number=f"LPG-2026-{n:06d}", year=2026, seq=n, category="sampah",
            description="sampah", latitude=-5.43, longitude=105.26, citizen=citizen,
            region_code="bandar_lampung", suggested_agency_code="dlh", created_at=filed,
            updated_at=filed, forward_due_at=filed + DAY,
            status="forwarded" if forwarded else "new",
            agency_code="dlh" if forwarded else None,
            act_due_at=filed + DAY if forwarded else None,
        ))  # fmt: skip
    session.flush()


@contextmanager
def _statements(engine: Any) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _round_with_backlog(backlog: int) -> tuple[int, SweepResult, int]:
    """(statements, result, digests) of one server round with `backlog` long-overdue
    tickets (their breaches recorded), as many open ones not yet due, and the same
    three newly due (two forward, one act)."""
    with transaction() as session:
        factories.staff(session=session, role="coordinator", region="bandar_lampung")
        factories.staff(session=session, role="agency_head", agency="dlh")
        factories.staff(session=session, role="leader")
        _bulk_tickets(session, backlog // 2, filed=T0, forwarded=False)
        _bulk_tickets(session, backlog - backlog // 2, filed=T0, forwarded=True)
    check = T0 + 5 * DAY
    while _sweep(check - DAY).recorded:  # the backlog's breaches: yesterday's digest
        pass
    with transaction() as session:
        _bulk_tickets(session, backlog, filed=check - HOUR, forwarded=False)
        _bulk_tickets(session, 2, filed=check - DAY - HOUR, forwarded=False)
        _bulk_tickets(session, 1, filed=check - DAY - HOUR, forwarded=True)
    with transaction() as session, _statements(session.get_bind()) as seen:
        result, digests = sweep_and_digest(session=session, now=check)
    return len(seen), result, digests


def test_a_round_costs_the_same_few_statements_whatever_the_backlog(db: str) -> None:
    small, result, digests = _round_with_backlog(50)
    assert sorted(r[1:] for r in result.recorded) == [("act", 1), ("forward", 1), ("forward", 1)]
    assert result.notified == 3 and digests == 1
    for table in (Notification, StaffUser, Ticket, Escalation):  # start again, ten times larger
        with transaction() as session:
            session.execute(table.__table__.delete())  # type: ignore[attr-defined]
    large, result, digests = _round_with_backlog(500)
    assert len(result.recorded) == 3 and result.notified == 3 and digests == 1
    # The lock (PostgreSQL; SQLite: BEGIN IMMEDIATE), the selection, escalations, events,
    # supervisors, messages, the move; the digest's counts, leaders and messages.
    assert small == large <= 10, (small, large)


# --- plans -----------------------------------------------------------------------------


def test_the_sweep_reads_through_its_index_and_the_counts_through_theirs(db: str) -> None:
    with transaction() as session:
        _bulk_tickets(session, 30, filed=T0, forwarded=False)
        _bulk_tickets(session, 30, filed=T0 + 2 * DAY, forwarded=True)
        _bulk_tickets(session, 30, filed=T0, forwarded=False)
        for ticket in session.scalars(select(Ticket).limit(30)):
            ticket.status = "closed"  # NULL: nothing to escalate
    _sweep(T0 + DAY + HOUR)
    with transaction() as session:
        analyze(session)
        plan = plan_of(session, due_query(T0 + 2 * DAY))
        assert "ix_ticket_escalation_due_at" in plan, plan
        assert not full_scans(plan), plan
        counts = plan_of(session, breach_counts_query(1, T0, T0 + 7 * DAY))
        assert "ix_escalation_level_recorded_at" in counts, counts
        assert not full_scans(counts), counts


# --- two processes -------------------------------------------------------------------


def test_two_concurrent_sweeps_record_each_breach_once(db: str) -> None:
    with transaction() as session:
        factories.staff(session=session, role="coordinator", region="bandar_lampung")
        for _ in range(3):
            factories.ticket(session=session, now=T0, alert=False)
    now = T0 + DAY + HOUR
    swept, release = threading.Event(), threading.Event()
    results: dict[str, SweepResult] = {}

    def first() -> None:
        with transaction() as session:
            results["first"] = sweep(session=session, now=now)
            swept.set()
            release.wait(30)  # holds its transaction (and the lock) open

    def second() -> None:
        with transaction() as session:  # SQLite: waits here for the first to commit
            results["second"] = sweep(session=session, now=now)

    one = threading.Thread(target=first)
    one.start()
    assert swept.wait(30)
    two = threading.Thread(target=second)
    two.start()
    if backend_of(db) == "postgresql":
        two.join(30)  # PostgreSQL: skipped at once, the other process holds the sweep
        assert results["second"].skipped and results["second"].recorded == []
    release.set()
    one.join(30)
    two.join(30)
    assert len(results["first"].recorded) == 3 and results["first"].notified == 3
    assert results["second"].recorded == [] and results["second"].notified == 0
    assert _sweep(now).recorded == []
    with transaction() as session:
        assert session.scalar(select(func.count()).select_from(Escalation)) == 3
        assert session.scalar(select(func.count()).select_from(Notification)) == 3
