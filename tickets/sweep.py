"""The SLA sweep: a constant handful of statements per round, whatever the number of
tickets.

A round reads only the tickets whose next escalation has fallen due
(`escalation_due_at < now`, a range scan of ix_ticket_escalation_due_at; the
column is kept by tickets/escalation_levels.py), records each breach once (an
Escalation row, unique per ticket, kind, level and deadline, plus an "escalated"
TicketEvent), queues a message for the supervisor level

    level 1, kind forward -> the region's coordinators
    level 1, kind act     -> the agency's heads (in the ticket's region)
    level 2 (still late `escalate_to_leaders_after_hours` later) -> leaders' digest

and moves escalation_due_at on to the next level (NULL after level 2). Statements:
the lock (PostgreSQL) and the selection; when something is due, the escalations,
the events, the supervisors, the messages and the move, each one statement (or
one executemany) for up to BATCH tickets; more wait for the next round.

One process at a time: on PostgreSQL the round takes a transaction-level advisory
lock and is skipped while another process holds it. SQLite needs none: its
writers are serialised already (BEGIN IMMEDIATE, core.db), so a second sweep
waits and then finds nothing due. Even so, the unique keys make a second insert
a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, func, insert, inspect, select, update
from sqlalchemy.orm import Session

from core.bulk import insert_ignoring
from core.timestamps import format_wib
from knowledge.agencies import get_agency
from knowledge.regions import get_region
from tickets.enums import BreachKind, EventKind, StaffRole
from tickets.escalation_levels import Awaited, awaited, schedule
from tickets.models import Escalation, Ticket, TicketEvent
from tickets.staff_messages import Recipient, StaffMessage, queue_staff_messages, recipients

FORWARD = BreachKind.FORWARD
ACT = BreachKind.ACT
SUPERVISORS = {FORWARD: StaffRole.COORDINATOR, ACT: StaffRole.AGENCY_HEAD}
RESPONSES = {FORWARD: "utter_eskalasi_teruskan", ACT: "utter_eskalasi_tindak"}
BATCH = 500  # tickets per round
# pg_try_advisory_xact_lock's key: any fixed bigint no other lock of the database uses.
SWEEP_LOCK = 0x4C50_5357  # "LPSW"


@dataclass(frozen=True)
class DueTicket:
    """What the sweep reads of a ticket (no full rows)."""

    id: int
    number: str
    category: str
    status: str
    region_code: str | None
    agency_code: str | None
    suggested_agency_code: str | None
    forward_due_at: datetime | None
    act_due_at: datetime | None
    escalation_due_at: datetime


_COLUMNS = tuple(getattr(Ticket, name) for name in DueTicket.__dataclass_fields__)


@dataclass
class SweepResult:
    recorded: list[tuple[str, str, int]] = field(default_factory=list)  # number, kind, level
    notified: int = 0
    skipped: bool = False  # another process was sweeping


@dataclass(frozen=True)
class _Due:
    """A selected ticket, the levels due now and its next escalation_due_at."""

    ticket: DueTicket
    levels: list[int]
    next_due: datetime | None


@dataclass(frozen=True)
class _Breach:
    ticket: DueTicket
    deadline: Awaited
    level: int


def due_query(now: datetime, limit: int = BATCH) -> Select[*tuple[Any, ...]]:
    """The tickets with an escalation due at `now` (a test checks its plan)."""
    return (
        select(*_COLUMNS)
        .where(Ticket.escalation_due_at < now)
        .order_by(Ticket.escalation_due_at)
        .limit(limit)
    )


def _lock(session: Session) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return True  # SQLite serialises writers already (see the module's docstring)
    return bool(session.scalar(select(func.pg_try_advisory_xact_lock(SWEEP_LOCK))))


def _record(session: Session, breaches: list[_Breach], now: datetime) -> list[_Breach]:
    """Escalations and their events; returns the breaches not recorded before."""
    rows = [
        {"ticket_id": b.ticket.id, "kind": b.deadline.kind.value, "level": b.level,
         "due_at": b.deadline.due, "recorded_at": now, "region_code": b.ticket.region_code,
         "agency_code": b.ticket.agency_code if b.deadline.kind == ACT else None}
        for b in breaches
    ]  # fmt: skip
    returned = insert_ignoring(session, Escalation, rows,
                               returning=(Escalation.ticket_id, Escalation.level))  # fmt: skip
    inserted = {(int(ticket_id), int(level)) for ticket_id, level in returned}
    new = [b for b in breaches if (b.ticket.id, b.level) in inserted]
    events = [
        {"ticket_id": b.ticket.id, "kind": EventKind.ESCALATED.value,
         "from_status": b.ticket.status, "to_status": b.ticket.status, "actor": "system",
         "note": None, "created_at": now,
         "data": {"step": b.deadline.kind.value, "level": b.level,
                  "due_at": b.deadline.due.isoformat()}}
        for b in new
    ]  # fmt: skip
    if events:
        session.execute(insert(TicketEvent), events)
    return new


def _supervises(staff: Recipient, kind: BreachKind, ticket: DueTicket) -> bool:
    if staff.role != SUPERVISORS[kind]:
        return False
    if staff.region_code is not None and staff.region_code != ticket.region_code:
        return False
    return kind == FORWARD or (
        ticket.agency_code is not None and staff.agency_code == ticket.agency_code
    )


def _variables(ticket: DueTicket, deadline: Awaited) -> dict[str, Any]:
    region = get_region(ticket.region_code or "")
    agency = get_agency(ticket.agency_code or ticket.suggested_agency_code or "")
    return {
        "nomor": ticket.number,
        "kategori": ticket.category,
        "wilayah": region.name if region else "-",
        "instansi": agency.name if agency else "-",
        "batas": format_wib(deadline.due),
    }


def _notify(session: Session, breaches: list[_Breach]) -> int:
    """Level 1 to the supervisors, loaded once for the whole round."""
    if not breaches:
        return 0
    staff = recipients(session=session, roles=list(SUPERVISORS.values()),
                       regions=(b.ticket.region_code for b in breaches))  # fmt: skip
    messages = []
    for b in breaches:
        kind, ticket = b.deadline.kind, b.ticket
        # The same key as ever, so nothing is sent twice across versions.
        key = f"escalation:{ticket.id}:{kind}:1:{b.deadline.due}"
        variables = _variables(ticket, b.deadline)
        messages += [StaffMessage(to=s, response=RESPONSES[kind], variables=variables, key=key)
                     for s in staff if _supervises(s, kind, ticket)]  # fmt: skip
    return queue_staff_messages(session=session, messages=messages)


def _advance(session: Session, due: list[_Due]) -> None:
    """escalation_due_at to its next level, unless the ticket changed meanwhile."""
    table = cast(Table, Ticket.__table__)
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.escalation_due_at == bindparam("b_was"))
        # Not a change by anyone: updated_at stays (it would take the column's onupdate).
        .values(escalation_due_at=bindparam("b_next"), updated_at=table.c.updated_at)
    )
    session.execute(statement, [
        {"b_id": d.ticket.id, "b_was": d.ticket.escalation_due_at, "b_next": d.next_due}
        for d in due
    ])  # fmt: skip
    # Tickets this session holds: their events and escalation_due_at changed underneath.
    ids = {d.ticket.id for d in due}
    for held in list(session.identity_map.values()):
        identity = inspect(held).identity  # the key, read without loading the row
        if isinstance(held, Ticket) and identity and identity[0] in ids:
            session.expire(held, ["events", "escalation_due_at"])


def sweep(*, session: Session, now: datetime, limit: int = BATCH) -> SweepResult:
    result = SweepResult()
    if not _lock(session):
        result.skipped = True
        return result
    due, breaches = [], []
    for row in session.execute(due_query(now, limit)):
        ticket = DueTicket(*row)
        deadline = awaited(ticket.status, ticket.forward_due_at, ticket.act_due_at)
        levels, next_due = schedule(deadline, now)
        due.append(_Due(ticket, levels, next_due))
        if deadline is not None:
            breaches += [_Breach(ticket, deadline, level) for level in levels]
    if not due:
        return result
    new = sorted(_record(session, breaches, now),
                 key=lambda b: (b.deadline.kind != FORWARD, b.level, b.ticket.id))  # fmt: skip
    result.recorded = [(b.ticket.number, b.deadline.kind.value, b.level) for b in new]
    result.notified = _notify(session, [b for b in new if b.level == 1])
    _advance(session, due)
    return result
