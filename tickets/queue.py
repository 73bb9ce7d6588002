"""Staff lists of tickets, a page at a time: `tickets list`, the web workspace.

Newest first (or oldest first, the work queue's order) on (created_at, id), with
keyset pagination: a page starts after
the cursor of the one before, so page 1,000 costs what page 1 does and a ticket
filed meanwhile never shifts a row into the next page twice. The scope and the
status are served by the indexes ix_ticket_region_queue and ix_ticket_agency_queue
(region or agency, status, created_at, id) and ix_ticket_status_created: one
status is one ordered index range; several statuses (or all) are one such range
each, merged and cut to the page (never a sort of a whole region).

Only what a list row shows is read (QueueRow), no events or photos.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, literal, select, tuple_, union_all
from sqlalchemy.orm import Session

from core.timestamps import UTCDateTime
from tickets.enums import TicketStatus
from tickets.models import Ticket
from tickets.statuses import all_statuses


@dataclass(frozen=True)
class QueueRow:
    id: int
    number: str
    status: str
    category: str
    description: str
    confidential: bool
    region_code: str | None
    agency_code: str | None
    suggested_agency_code: str | None
    location_source: str
    created_at: datetime
    forward_due_at: datetime | None
    act_due_at: datetime | None

    @property
    def due_at(self) -> datetime | None:
        """The deadline running now: forwarding while new, else action."""
        return self.forward_due_at if self.status == TicketStatus.NEW else self.act_due_at


@dataclass(frozen=True)
class QueuePage:
    items: list[QueueRow]
    next: str | None  # the cursor of the following page; None on the last


ROW_COLUMNS = tuple(getattr(Ticket, name) for name in QueueRow.__dataclass_fields__)


def encode_cursor(row: QueueRow) -> str:
    raw = f"{row.created_at.isoformat()}|{row.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """ValueError for anything encode_cursor did not make."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created, ticket_id = raw.split("|")
        return datetime.fromisoformat(created), int(ticket_id)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"not a queue cursor: {cursor!r}") from error


def _range(
    columns: Sequence[Any],
    where: ColumnElement[bool] | None,
    status: str,
    after: tuple[datetime, int] | None,
    size: int,
    oldest_first: bool,
) -> Select[Any]:
    """One status's tickets in scope after the cursor, in page order: one index range
    (read backwards for newest first)."""
    query = select(*columns).where(Ticket.status == status)
    if where is not None:
        query = query.where(where)
    if after is not None:
        created, ticket_id = after
        cursor = tuple_(literal(created, UTCDateTime()), literal(ticket_id))
        keys = tuple_(Ticket.created_at, Ticket.id)
        query = query.where(keys > cursor if oldest_first else keys < cursor)
    return query.order_by(*_order(Ticket.created_at, Ticket.id, oldest_first)).limit(size)


def _order(created: Any, ticket_id: Any, oldest_first: bool) -> tuple[Any, Any]:
    if oldest_first:
        return created.asc(), ticket_id.asc()
    return created.desc(), ticket_id.desc()


def page_query(
    *,
    where: ColumnElement[bool] | None = None,
    status: str | Sequence[str] | None = None,
    after: str | None = None,
    limit: int = 20,
    oldest_first: bool = False,
) -> Select[Any]:
    """The statement of one page (one row more than `limit`: is there a next page?)."""
    statuses = [status] if isinstance(status, str) else list(status or all_statuses())
    cursor = decode_cursor(after) if after is not None else None
    if len(statuses) == 1:
        return _range(ROW_COLUMNS, where, statuses[0], cursor, limit + 1, oldest_first)
    # Several statuses: the sort keys of a page from each range, the page of those,
    # then its rows (the keys alone keep the statement cheap to build and the scans
    # to the index).
    keys = (Ticket.created_at, Ticket.id)
    ranges = [
        select(_range(keys, where, s, cursor, limit + 1, oldest_first).subquery()) for s in statuses
    ]
    merged = union_all(*ranges).subquery()
    page = (
        select(merged.c.id)
        .order_by(*_order(merged.c.created_at, merged.c.id, oldest_first))
        .limit(limit + 1)
        .subquery()
    )
    return (
        select(*ROW_COLUMNS)
        .join(page, page.c.id == Ticket.id)
        .order_by(*_order(Ticket.created_at, Ticket.id, oldest_first))
    )


def queue_page(
    *,
    session: Session,
    where: ColumnElement[bool] | None = None,
    status: str | Sequence[str] | None = None,
    after: str | None = None,
    limit: int = 20,
    oldest_first: bool = False,
) -> QueuePage:
    """One page of tickets, newest first (`oldest_first`: the operators' work order).

    where: the viewer's scope (tickets.scope.visible_filter), None for all;
    status: one status, several, or None for all; after: the previous page's
    `next` (ValueError for a cursor this function did not make)."""
    if limit < 1:
        raise ValueError("limit must be 1 or more")
    query = page_query(
        where=where, status=status, after=after, limit=limit, oldest_first=oldest_first
    )
    rows = [QueueRow(*row) for row in session.execute(query)]
    items = rows[:limit]
    return QueuePage(items=items, next=encode_cursor(items[-1]) if len(rows) > limit else None)
