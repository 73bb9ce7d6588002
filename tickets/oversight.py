"""The leaders' figures for a period, per kabupaten/kota and per OPD: reports filed,
forwarded within their 24-hour deadline, resolved within the agency's 3x24 hours,
median times, today's backlog and overdue, escalations, rejections, re-routes and
the citizens' rating. Confidential reports count like the others (no reporter is
read here at all).

The period's tickets are read as a few columns and summed here (a month of a
province is thousands of rows, not millions); backlog and overdue are counted by
the database over all open tickets.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge.agencies import get_agency
from knowledge.regions import get_region
from tickets.enums import BreachKind
from tickets.models import Escalation, Ticket, TicketEvent
from tickets.queue_filters import overdue_condition
from tickets.statuses import all_statuses
from tickets.texts import TEXTS


@dataclass
class Figures:
    key: str
    name: str
    filed: int = 0
    forwarded: int = 0
    forwarded_on_time: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    backlog: int = 0
    overdue: int = 0
    escalations: int = 0
    rejected: int = 0
    rerouted: int = 0
    forward_hours: list[float] = field(default_factory=list)
    resolve_hours: list[float] = field(default_factory=list)
    ratings: list[int] = field(default_factory=list)

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def forwarded_on_time_pct(self) -> float | None:
        return self._share(self.forwarded_on_time, self.forwarded)

    @property
    def resolved_on_time_pct(self) -> float | None:
        return self._share(self.resolved_on_time, self.resolved)

    @property
    def median_forward_hours(self) -> float | None:
        return round(statistics.median(self.forward_hours), 1) if self.forward_hours else None

    @property
    def median_resolve_hours(self) -> float | None:
        return round(statistics.median(self.resolve_hours), 1) if self.resolve_hours else None

    @property
    def rating(self) -> float | None:
        return round(statistics.mean(self.ratings), 2) if self.ratings else None


@dataclass(frozen=True)
class Oversight:
    regions: list[Figures]
    agencies: list[Figures]
    total: Figures


def _hours(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 3600


def _name(kind: str, code: str) -> str:
    found = get_region(code) if kind == "region" else get_agency(code)
    return found.name if found else code


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
    columns = (
        Ticket.region_code,
        Ticket.agency_code,
        Ticket.created_at,
        Ticket.forward_due_at,
        Ticket.forwarded_at,
        Ticket.act_due_at,
        Ticket.resolved_at,
        Ticket.rating,
    )
    period = session.execute(
        select(*columns).where(Ticket.created_at >= start, Ticket.created_at < end, *scope)
    )
    for reg, agency, created, forward_due, forwarded, act_due, resolved, rating in period:
        for figures in rows_for(reg, agency):
            figures.filed += 1
            if forwarded is not None:
                figures.forwarded += 1
                figures.forwarded_on_time += forward_due is not None and forwarded <= forward_due
                figures.forward_hours.append(_hours(forwarded, created))
            if resolved is not None and forwarded is not None:
                figures.resolved += 1
                figures.resolved_on_time += act_due is not None and resolved <= act_due
                figures.resolve_hours.append(_hours(resolved, forwarded))
            if rating is not None:
                figures.ratings.append(rating)
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
