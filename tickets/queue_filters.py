"""What staff filter a queue by (the workspace's queue and merge search), as
conditions tickets.queue.queue_page takes, and the few most urgent tickets.

Text search reads descriptions only of tickets that are not confidential: a
confidential report's words reach staff masked (tickets.privacy), and a search
on the unmasked text would tell which report names a person. Those are found by
their number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.orm import Session

from tickets.enums import TicketStatus
from tickets.models import Attachment, Ticket
from tickets.queue import ROW_COLUMNS, QueueRow

NUMBER = re.compile(r"^(LPG-)?\d{4}-\d{1,6}$", re.IGNORECASE)
WAITING_AGENCY = (TicketStatus.FORWARDED, TicketStatus.IN_PROGRESS)
SOON = timedelta(hours=6)
MAX_QUERY = 100


@dataclass(frozen=True)
class Filters:
    category: str | None = None
    region: str | None = None
    agency: str | None = None
    overdue: bool = False
    text: str | None = None


def overdue_condition(now: datetime) -> ColumnElement[bool]:
    """The running deadline has passed: forwarding while new, the agency's after."""
    return or_(
        and_(Ticket.status == TicketStatus.NEW, Ticket.forward_due_at < now),
        and_(Ticket.status.in_(WAITING_AGENCY), Ticket.act_due_at < now),
    )


def _text_condition(text: str) -> ColumnElement[bool]:
    value = text.strip()[:MAX_QUERY]
    if NUMBER.match(value):
        number = value.upper()
        return Ticket.number == (number if number.startswith("LPG-") else f"LPG-{number}")
    if not value:
        return true()
    pattern = (
        "%" + value.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    )
    return and_(
        Ticket.confidential.is_(False), func.lower(Ticket.description).like(pattern, escape="\\")
    )


def condition(filters: Filters, now: datetime) -> ColumnElement[bool]:
    parts: list[ColumnElement[bool]] = []
    if filters.category:
        parts.append(Ticket.category == filters.category)
    if filters.region:
        parts.append(Ticket.region_code == filters.region)
    if filters.agency:
        parts.append(
            or_(
                Ticket.agency_code == filters.agency,
                and_(Ticket.agency_code.is_(None), Ticket.suggested_agency_code == filters.agency),
            )
        )
    if filters.overdue:
        parts.append(overdue_condition(now))
    if filters.text:
        parts.append(_text_condition(filters.text))
    return and_(true(), *parts) if parts else true()


def urgent_rows(
    *, session: Session, where: ColumnElement[bool], now: datetime, limit: int = 5
) -> list[QueueRow]:
    """The open tickets in `where` whose deadline is nearest (passed first), at most
    `limit`, due within SOON: what must be done now, above the newest-first list.
    Two index-ordered reads (forward_due_at, act_due_at), each cut at `limit`."""
    soon = now + SOON
    new = (
        select(*ROW_COLUMNS)
        .where(where, Ticket.status == TicketStatus.NEW, Ticket.forward_due_at < soon)
        .order_by(Ticket.forward_due_at)
        .limit(limit)
    )
    acting = (
        select(*ROW_COLUMNS)
        .where(where, Ticket.status.in_(WAITING_AGENCY), Ticket.act_due_at < soon)
        .order_by(Ticket.act_due_at)
        .limit(limit)
    )
    rows = [QueueRow(*r) for q in (new, acting) for r in session.execute(q)]
    rows.sort(key=lambda r: r.due_at or now)
    return rows[:limit]


def first_photos(*, session: Session, ticket_ids: Sequence[int]) -> dict[int, int]:
    """Each ticket's first photo (attachment id), for list thumbnails: one query."""
    if not ticket_ids:
        return {}
    query = (
        select(Attachment.ticket_id, func.min(Attachment.id))
        .where(Attachment.ticket_id.in_(ticket_ids))
        .group_by(Attachment.ticket_id)
    )
    return {int(t): int(a) for t, a in session.execute(query) if t is not None}
