"""The leaders' weekly trend: per week (Monday to Sunday, WIB) of a period, the
reports filed, the share forwarded within the 24-hour deadline and the share
resolved within the agency's 3x24 hours, counted by the database per WIB day
(core.sql_time, OnTime.columns) and summed into weeks here (a year is at most 366 rows).
Confidential reports count like the others."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.sql_time import wib_date
from tickets.models import Ticket
from tickets.oversight import OnTime


@dataclass
class Week(OnTime):
    start: date  # the Monday
    filed: int = 0


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly(
    *,
    session: Session,
    start: datetime,
    end: datetime,
    first: date,
    last: date,
    region: str | None = None,
) -> list[Week]:
    """Every week from the one of `first` to the one of `last` (weeks without a
    report too), for the tickets filed in [start, end)."""
    weeks: dict[date, Week] = {}
    cursor = monday(first)
    while cursor <= last:
        weeks[cursor] = Week(cursor)
        cursor += timedelta(days=7)
    day = wib_date(Ticket.created_at)
    scope = [Ticket.region_code == region] if region else []
    rows = session.execute(
        select(day, func.count(), *OnTime.columns())
        .where(Ticket.created_at >= start, Ticket.created_at < end, *scope)
        .group_by(day)
    )
    for filed_on, filed, *on_time in rows:
        week = weeks.get(monday(date.fromisoformat(str(filed_on)[:10])))
        if week is None:
            continue
        week.filed += filed
        week.add(*on_time)
    return list(weeks.values())
