"""The SLA sweep (tickets/sweep.py), the leaders' daily digest and the sanctions report.

The digest and the report count in the database: a GROUP BY over one level's
escalations of a period (ix_escalation_level_recorded_at), never a row per breach
loaded.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from core.timestamps import WIB, wib_days
from knowledge.regions import get_region
from tickets.enums import BreachKind, StaffRole
from tickets.models import Escalation, StaffUser, Ticket
from tickets.staff_messages import StaffMessage, queue_staff_messages, recipients
from tickets.sweep import RESPONSES, SweepResult, sweep

__all__ = [
    "RESPONSES",
    "SweepResult",
    "breach_counts_query",
    "daily_digest",
    "report",
    "sweep",
    "sweep_and_digest",
]

FORWARD = BreachKind.FORWARD
ACT = BreachKind.ACT
DIGEST_RESPONSE = "utter_ringkasan_harian_sla"


def breach_counts_query(level: int, start: datetime, end: datetime) -> Select[*tuple[Any, ...]]:
    """(kind, region, agency, breaches) of `level` recorded in [start, end)."""
    keys = (Escalation.kind, Escalation.region_code, Escalation.agency_code)
    return (
        select(*keys, func.count())
        .where(Escalation.level == level, Escalation.recorded_at >= start,
               Escalation.recorded_at < end)
        .group_by(*keys)
        .order_by(*keys)
    )  # fmt: skip


def _counts(
    session: Session, level: int, start: datetime, end: datetime
) -> list[tuple[str, str | None, str | None, int]]:
    rows = session.execute(breach_counts_query(level, start, end))
    return [(str(kind), region, agency, int(count)) for kind, region, agency, count in rows]


def _region_name(code: str | None) -> str:
    region = get_region(code or "")
    return region.name if region else "-"


def daily_digest(*, session: Session, day: date) -> int:
    """One message per leader about the level-2 breaches recorded on `day` (WIB);
    returns how many were queued (once per leader and day)."""
    start, end = wib_days(day, day)
    counts = _counts(session, 2, start, end)
    if not counts:
        return 0
    late: Counter[str] = Counter()
    regions: Counter[str] = Counter()
    for kind, region, _, count in counts:
        late[kind] += count
        regions[_region_name(region)] += count
    variables = {
        "tanggal": day.strftime("%d-%m-%Y"),
        "terlambat_teruskan": late[FORWARD],
        "terlambat_tindak": late[ACT],
        "terbanyak": ", ".join(f"{name} ({count})" for name, count in regions.most_common(3)),
    }
    leaders = recipients(session=session, roles=[StaffRole.LEADER])
    key = f"digest:{day.isoformat()}"
    return queue_staff_messages(session=session, messages=[
        StaffMessage(to=leader, response=DIGEST_RESPONSE, variables=variables, key=key)
        for leader in leaders
    ])  # fmt: skip


def report(*, session: Session, start: datetime, end: datetime) -> dict[str, Any]:
    """Breaches (level 1) recorded in [start, end): per region's operators and per agency."""
    operators: Counter[str] = Counter()
    agencies: Counter[str] = Counter()
    for kind, region, agency, count in _counts(session, 1, start, end):
        if kind == FORWARD:
            operators[region or "-"] += count
        else:
            agencies[f"{agency or '-'}@{region or '-'}"] += count
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
        "operators": operator_names(session, list(operators)),
    }


def operator_names(session: Session, regions: list[str]) -> dict[str, list[str]]:
    """The active operators and coordinators of each region, by name: its team."""
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
    if result.skipped:  # another process is doing this round, its digest included
        return result, 0
    yesterday = (now.astimezone(WIB) - timedelta(days=1)).date()
    return result, daily_digest(session=session, day=yesterday)
