"""The SLA sweep, the leaders' daily digest and the sanctions report.

`sweep(now=...)` finds open tickets past a deadline and records each breach once
(an Escalation row, unique per ticket, kind, level and deadline, plus an
"escalated" TicketEvent), then queues a message for the supervisor level:

    level 1, kind forward -> the region's coordinators
    level 1, kind act     -> the agency's heads (in the ticket's region)
    level 2 (still late `escalate_to_leaders_after_hours` later) -> leaders' digest

Running it again, or from two processes, records nothing new: the unique key
makes the second insert a no-op (a savepoint keeps the caller's transaction).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.timestamps import WIB, format_wib
from knowledge.agencies import get_agency
from knowledge.regions import get_region
from tickets.deadlines import service_levels
from tickets.enums import BreachKind, EventKind, StaffRole, TicketStatus
from tickets.models import Escalation, StaffUser, Ticket, TicketEvent
from tickets.notifications import notify_staff

FORWARD = BreachKind.FORWARD
ACT = BreachKind.ACT
AWAITING = {
    FORWARD: (TicketStatus.NEW,),
    ACT: (TicketStatus.FORWARDED, TicketStatus.IN_PROGRESS),
}
SUPERVISORS = {FORWARD: StaffRole.COORDINATOR, ACT: StaffRole.AGENCY_HEAD}
RESPONSES = {FORWARD: "utter_eskalasi_teruskan", ACT: "utter_eskalasi_tindak"}
DIGEST_RESPONSE = "utter_ringkasan_harian_sla"


@dataclass
class SweepResult:
    recorded: list[tuple[str, str, int]] = field(default_factory=list)  # number, kind, level
    notified: int = 0


def _due(ticket: Ticket, kind: BreachKind) -> datetime | None:
    return ticket.forward_due_at if kind == FORWARD else ticket.act_due_at


def _overdue(session: Session, kind: BreachKind, cutoff: datetime) -> list[Ticket]:
    column = Ticket.forward_due_at if kind == FORWARD else Ticket.act_due_at
    query = select(Ticket).where(
        Ticket.status.in_(AWAITING[kind]), column.is_not(None), column < cutoff
    )
    return list(session.scalars(query.order_by(Ticket.id)))


def _record(session: Session, ticket: Ticket, kind: BreachKind, level: int, now: datetime) -> bool:
    due = _due(ticket, kind)
    assert due is not None
    exists = session.scalar(
        select(Escalation.id).where(
            Escalation.ticket_id == ticket.id,
            Escalation.kind == kind,
            Escalation.level == level,
            Escalation.due_at == due,
        )
    )
    if exists is not None:
        return False
    try:
        with session.begin_nested():
            session.add(
                Escalation(
                    ticket_id=ticket.id, kind=kind, level=level, due_at=due, recorded_at=now,
                    region_code=ticket.region_code,
                    agency_code=ticket.agency_code if kind == ACT else None,
                )
            )  # fmt: skip
            session.add(
                TicketEvent(
                    ticket=ticket, kind=EventKind.ESCALATED, from_status=ticket.status,
                    to_status=ticket.status, actor="system",
                    data={"step": kind, "level": level, "due_at": due.isoformat()},
                    created_at=now,
                )
            )  # fmt: skip
    except IntegrityError:  # another sweep recorded it first
        return False
    return True


def _supervisors(session: Session, ticket: Ticket, kind: BreachKind) -> list[StaffUser]:
    role = SUPERVISORS[kind]
    query = select(StaffUser).where(
        StaffUser.role == role,
        StaffUser.active.is_(True),
        or_(StaffUser.region_code.is_(None), StaffUser.region_code == ticket.region_code),
    )
    if kind == ACT:
        query = query.where(StaffUser.agency_code == ticket.agency_code)
    return list(session.scalars(query))


def _variables(ticket: Ticket, kind: BreachKind) -> dict[str, Any]:
    region = get_region(ticket.region_code or "")
    agency = get_agency(ticket.agency_code or ticket.suggested_agency_code or "")
    due = _due(ticket, kind)
    return {
        "nomor": ticket.number,
        "kategori": ticket.category,
        "wilayah": region.name if region else "-",
        "instansi": agency.name if agency else "-",
        "batas": format_wib(due) if due else "-",
    }


def sweep(*, session: Session, now: datetime) -> SweepResult:
    result = SweepResult()
    leaders_after = service_levels().leaders_after
    for kind in (FORWARD, ACT):
        for ticket in _overdue(session, kind, now):
            if _record(session, ticket, kind, 1, now):
                result.recorded.append((ticket.number, kind, 1))
                for staff in _supervisors(session, ticket, kind):
                    queued = notify_staff(
                        session=session, staff=staff, response=RESPONSES[kind],
                        variables=_variables(ticket, kind),
                        key=f"escalation:{ticket.id}:{kind}:1:{_due(ticket, kind)}",
                    )  # fmt: skip
                    result.notified += len(queued)
        for ticket in _overdue(session, kind, now - leaders_after):
            if _record(session, ticket, kind, 2, now):
                result.recorded.append((ticket.number, kind, 2))
    session.flush()
    return result


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=WIB)
    return start, start + timedelta(days=1)


def _region_name(code: str | None) -> str:
    region = get_region(code or "")
    return region.name if region else "-"


def daily_digest(*, session: Session, day: date) -> int:
    """One message per leader about the level-2 breaches recorded on `day` (WIB);
    returns how many were queued (once per leader and day)."""
    start, end = _day_bounds(day)
    rows = session.execute(
        select(Escalation.kind, Escalation.region_code, Escalation.agency_code).where(
            Escalation.level == 2, Escalation.recorded_at >= start, Escalation.recorded_at < end
        )
    ).all()
    if not rows:
        return 0
    late = Counter(kind for kind, _, _ in rows)
    worst = Counter(_region_name(region) for _, region, _ in rows).most_common(3)
    variables = {
        "tanggal": day.strftime("%d-%m-%Y"),
        "terlambat_teruskan": late[FORWARD],
        "terlambat_tindak": late[ACT],
        "terbanyak": ", ".join(f"{name} ({count})" for name, count in worst),
    }
    queued = 0
    leaders = session.scalars(
        select(StaffUser).where(StaffUser.role == StaffRole.LEADER, StaffUser.active.is_(True))
    )
    for leader in leaders:
        key = f"digest:{day.isoformat()}"
        queued += len(notify_staff(session=session, staff=leader, response=DIGEST_RESPONSE,
                                   variables=variables, key=key))  # fmt: skip
    session.flush()
    return queued


def report(*, session: Session, start: datetime, end: datetime) -> dict[str, Any]:
    """Breaches (level 1) recorded in [start, end): per region's operators and per agency."""
    rows = session.execute(
        select(Escalation.kind, Escalation.region_code, Escalation.agency_code).where(
            and_(Escalation.level == 1, Escalation.recorded_at >= start,
                 Escalation.recorded_at < end)
        )
    ).all()  # fmt: skip
    operators: Counter[str] = Counter()
    agencies: Counter[str] = Counter()
    for kind, region, agency in rows:
        if kind == FORWARD:
            operators[region or "-"] += 1
        else:
            agencies[f"{agency or '-'}@{region or '-'}"] += 1
    filed = session.scalar(
        select(func.count())
        .select_from(Ticket)
        .where(Ticket.created_at >= start, Ticket.created_at < end)
    )
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "tickets_filed": int(filed or 0),
        "forward_breaches": sum(operators.values()),
        "act_breaches": sum(agencies.values()),
        "by_region_operators": dict(operators.most_common()),
        "by_agency": dict(agencies.most_common()),
        # Tickets are the region team's, not one person's: these are the people
        # accountable for each late region (for the sanctions review).
        "operators": _operator_names(session, list(operators)),
    }


def _operator_names(session: Session, regions: list[str]) -> dict[str, list[str]]:
    rows = session.execute(
        select(StaffUser.region_code, StaffUser.name).where(
            StaffUser.role.in_((StaffRole.OPERATOR, StaffRole.COORDINATOR)),
            StaffUser.active.is_(True),
            StaffUser.region_code.in_(regions),
        )
    ).all()
    names: dict[str, list[str]] = {region: [] for region in regions}
    for region, name in rows:
        names[str(region)].append(name)
    return {region: sorted(people) for region, people in names.items()}


def sweep_and_digest(*, session: Session, now: datetime) -> tuple[SweepResult, int]:
    """One round as the server runs it: the sweep, then yesterday's digest (WIB)."""
    result = sweep(session=session, now=now)
    yesterday = (now.astimezone(WIB) - timedelta(days=1)).date()
    return result, daily_digest(session=session, day=yesterday)
