"""The leaders' figures for a period, per kabupaten/kota and per OPD: reports filed,
forwarded within their 24-hour deadline, resolved within the agency's 3x24 hours,
median times, today's backlog and overdue, escalations, rejections, re-routes and
the citizens' rating. Confidential reports count like the others (no reporter is
read here at all).

The database does the sums: the period's tickets are counted per (region, agency)
and the medians come from window functions per region, per agency and for the
province (core.sql_time for the hours), so a year of a province (100,000 tickets)
is a few grouped queries, not 100,000 rows read into Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from core.sql_time import hours_between
from knowledge.agencies import get_agency
from knowledge.regions import get_region
from tickets.enums import BreachKind
from tickets.models import Escalation, Ticket, TicketEvent
from tickets.queue_filters import overdue_condition
from tickets.statuses import all_statuses
from tickets.texts import TEXTS


def share(part: int, whole: int) -> float | None:
    """`part` of `whole` in per cent, one decimal; None of nothing."""
    return round(100 * part / whole, 1) if whole else None


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


# Resolved after being forwarded: the agency's handling, which its 3x24 h measures.
HANDLED = and_(Ticket.forwarded_at.is_not(None), Ticket.resolved_at.is_not(None))


@dataclass(kw_only=True)
class OnTime:
    """How many were forwarded / resolved, and how many of them within the deadline."""

    forwarded: int = 0
    forwarded_on_time: int = 0
    resolved: int = 0
    resolved_on_time: int = 0

    @staticmethod
    def columns() -> tuple[ColumnElement[int], ...]:
        """The four counts as aggregates of a grouped query over tickets, in the
        order `add` takes them."""
        return (
            func.count(Ticket.forwarded_at),
            _count_if(Ticket.forwarded_at <= Ticket.forward_due_at),
            _count_if(HANDLED),
            _count_if(and_(HANDLED, Ticket.resolved_at <= Ticket.act_due_at)),
        )

    def add(self, forwarded: int, forwarded_on_time: int | None, resolved: int | None,
            resolved_on_time: int | None) -> None:  # fmt: skip
        self.forwarded += forwarded
        self.forwarded_on_time += int(forwarded_on_time or 0)
        self.resolved += int(resolved or 0)
        self.resolved_on_time += int(resolved_on_time or 0)

    @property
    def forwarded_on_time_pct(self) -> float | None:
        return share(self.forwarded_on_time, self.forwarded)

    @property
    def resolved_on_time_pct(self) -> float | None:
        return share(self.resolved_on_time, self.resolved)


@dataclass
class Figures(OnTime):
    key: str
    name: str
    filed: int = 0
    backlog: int = 0
    overdue: int = 0
    escalations: int = 0
    rejected: int = 0
    rerouted: int = 0
    rating_sum: int = 0
    rating_count: int = 0
    median_forward_hours: float | None = None  # created -> forwarded
    median_resolve_hours: float | None = None  # forwarded -> resolved

    @property
    def rating(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 2) if self.rating_count else None


@dataclass(frozen=True)
class Oversight:
    regions: list[Figures]
    agencies: list[Figures]
    total: Figures


def _name(kind: str, code: str) -> str:
    found = get_region(code) if kind == "region" else get_agency(code)
    return found.name if found else code


Medians = list[tuple[str, str | None, float | None, float | None]]
_KEYS = {"region": Ticket.region_code, "agency": Ticket.agency_code}


def _medians_grouped(
    session: Session,
    forward: ColumnElement[float],
    resolve: ColumnElement[float],
    where: list[ColumnElement[bool]],
) -> Medians:
    """PostgreSQL: both medians at the three levels in one grouped pass
    (percentile_cont skips the NULLs of tickets not forwarded or not resolved, and
    interpolates as statistics.median does)."""
    region, agency = Ticket.region_code, Ticket.agency_code
    rows = session.execute(
        select(
            func.grouping(region),
            func.grouping(agency),
            region,
            agency,
            func.percentile_cont(0.5).within_group(forward),
            func.percentile_cont(0.5).within_group(resolve),
        )
        .where(*where)
        .group_by(func.grouping_sets(tuple_(region), tuple_(agency), tuple_()))
    )
    found: Medians = []
    for no_region, no_agency, reg, ag, fwd, res in rows:
        level, code = (
            ("total", None) if no_region and no_agency
            else ("agency", ag) if no_region else ("region", reg)
        )  # fmt: skip
        found.append((level, code, _float(fwd), _float(res)))
    return found


def _medians_ranked(
    session: Session,
    forward: ColumnElement[float],
    resolve: ColumnElement[float],
    where: list[ColumnElement[bool]],
) -> Medians:
    """Any other database (SQLite): per level and duration, the middle row(s) by
    window functions."""
    found: dict[tuple[str, str | None], list[float | None]] = {}
    for level in ("total", "region", "agency"):
        key = _KEYS.get(level)
        for i, value in enumerate((forward, resolve)):
            for code, median in _ranked_median(session, value, key, where).items():
                found.setdefault((level, code), [None, None])[i] = median
    return [(level, code, fwd, res) for (level, code), (fwd, res) in found.items()]


def _ranked_median(
    session: Session,
    value: ColumnElement[float],
    key: InstrumentedAttribute[str | None] | None,
    where: list[ColumnElement[bool]],
) -> dict[str | None, float]:
    group = key if key is not None else literal(None)
    ranked = (
        select(
            group.label("k"),
            value.label("v"),
            func.row_number().over(partition_by=key, order_by=value).label("rn"),
            func.count().over(partition_by=key).label("n"),
        )
        .where(*where, value.is_not(None))
        .subquery()
    )
    middle = or_(ranked.c.rn == (ranked.c.n + 1) // 2, ranked.c.rn == (ranked.c.n + 2) // 2)
    rows = session.execute(
        select(ranked.c.k, func.avg(ranked.c.v)).where(middle).group_by(ranked.c.k)
    )
    return {k: float(v) for k, v in rows if v is not None}


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def oversight(
    *, session: Session, start: datetime, end: datetime, now: datetime, region: str | None = None
) -> Oversight:
    """The figures of the tickets filed in [start, end) (and the open ones now);
    `region`: one kabupaten/kota only (a coordinator's view)."""
    regions: dict[str, Figures] = {}
    agencies: dict[str, Figures] = {}
    total = Figures("provinsi", TEXTS.text("public_view", "province"))

    def rows_for(ticket_region: str | None, agency: str | None) -> list[Figures]:
        found = [total]
        if ticket_region:
            found.append(
                regions.setdefault(
                    ticket_region, Figures(ticket_region, _name("region", ticket_region))
                )
            )
        if agency:
            found.append(agencies.setdefault(agency, Figures(agency, _name("agency", agency))))
        return found

    scope = [Ticket.region_code == region] if region else []
    in_period = [Ticket.created_at >= start, Ticket.created_at < end, *scope]
    counts = session.execute(
        select(
            Ticket.region_code,
            Ticket.agency_code,
            func.count(),
            func.coalesce(func.sum(Ticket.rating), 0),
            func.count(Ticket.rating),
            *OnTime.columns(),
        )
        .where(*in_period)
        .group_by(Ticket.region_code, Ticket.agency_code)
    )
    for reg, agency, filed, rating_sum, rating_count, *on_time in counts:
        for figures in rows_for(reg, agency):
            figures.filed += filed
            figures.rating_sum += int(rating_sum or 0)
            figures.rating_count += rating_count
            figures.add(*on_time)
    forward_hours = hours_between(Ticket.forwarded_at, Ticket.created_at)
    resolve_hours = case((HANDLED, hours_between(Ticket.resolved_at, Ticket.forwarded_at)))
    levels: dict[str, Mapping[Any, Figures]] = {
        "total": {None: total}, "region": regions, "agency": agencies,
    }  # fmt: skip
    medians = (
        _medians_grouped if session.get_bind().dialect.name == "postgresql" else _medians_ranked
    )
    for level, code, forward, resolve in medians(session, forward_hours, resolve_hours, in_period):
        found = levels[level].get(code)
        if found is not None:
            found.median_forward_hours = None if forward is None else round(forward, 1)
            found.median_resolve_hours = None if resolve is None else round(resolve, 1)
    open_statuses = [s for s, info in all_statuses().items() if info.open]
    for column, attr in ((Ticket.id, "backlog"), (None, "overdue")):
        where = [Ticket.status.in_(open_statuses), *scope]
        if column is None:
            where.append(overdue_condition(now))
        counted = session.execute(
            select(Ticket.region_code, Ticket.agency_code, func.count())
            .where(*where)
            .group_by(Ticket.region_code, Ticket.agency_code)
        )
        for reg, agency, count in counted:
            for figures in rows_for(reg, agency):
                setattr(figures, attr, getattr(figures, attr) + int(count))
    events = session.execute(
        select(Ticket.region_code, Ticket.agency_code, TicketEvent.kind, func.count())
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(
            TicketEvent.kind.in_(("reject", "reroute")),
            TicketEvent.created_at >= start,
            TicketEvent.created_at < end,
            *scope,
        )
        .group_by(Ticket.region_code, Ticket.agency_code, TicketEvent.kind)
    )
    for reg, agency, kind, count in events:
        for figures in rows_for(reg, agency):
            if kind == "reject":
                figures.rejected += int(count)
            else:
                figures.rerouted += int(count)
    escalation_scope = [Escalation.region_code == region] if region else []
    breaches = session.execute(
        select(Escalation.kind, Escalation.region_code, Escalation.agency_code, func.count())
        .where(
            Escalation.level == 1,
            Escalation.recorded_at >= start,
            Escalation.recorded_at < end,
            *escalation_scope,
        )
        .group_by(Escalation.kind, Escalation.region_code, Escalation.agency_code)
    )
    for kind, reg, agency, count in breaches:
        for figures in rows_for(reg, agency if kind == BreachKind.ACT else None):
            figures.escalations += int(count)

    def ranked(items: dict[str, Figures]) -> list[Figures]:
        return sorted(
            items.values(),
            key=lambda f: (-(f.forwarded_on_time_pct or 0) - (f.resolved_on_time_pct or 0), f.name),
        )

    return Oversight(ranked(regions), ranked(agencies), total)
