"""The leaders' map of a period's reports: each report (pinned, or placed from a
typed location) as a point
with its category and status, for clustering in the browser. Confidential reports
are on it (they count) with their category and status only; no reporter is read.
The newest MAX_POINTS of a period are drawn; the page says when there are more."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tickets.models import Ticket

MAX_POINTS = 20_000
# About 100 m: enough to see where reports gather, not which house.
DECIMALS = 3


@dataclass(frozen=True)
class Point:
    number: str
    latitude: float
    longitude: float
    category: str
    status: str
    confidential: bool


def points(
    *, session: Session, start: datetime, end: datetime, region: str | None = None
) -> tuple[list[Point], bool]:
    """The period's reports, newest first, and whether more were left out."""
    scope = [Ticket.region_code == region] if region else []
    rows = session.execute(
        select(
            Ticket.number,
            Ticket.latitude,
            Ticket.longitude,
            Ticket.category,
            Ticket.status,
            Ticket.confidential,
        )
        .where(
            Ticket.created_at >= start,
            Ticket.created_at < end,
            Ticket.merged_into_id.is_(None),
            *scope,
        )
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(MAX_POINTS + 1)
    ).all()
    found = [
        Point(number, round(lat, DECIMALS), round(lon, DECIMALS), category, status, bool(secret))
        for number, lat, lon, category, status, secret in rows[:MAX_POINTS]
    ]
    return found, len(rows) > MAX_POINTS
