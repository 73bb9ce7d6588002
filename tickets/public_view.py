"""What anyone may see of a ticket, without a login (the Open311 API; the public
report pages of issue 18 follow the same rules).

A confidential report (pungli, "Kirim rahasia") is never listed. Of the others:
category, status, agency, dates, the report's text and staff notes with personal
data masked (tickets.privacy's one rule), and the location rounded to about 100 m
(a pin on a house is the reporter's address). Never a name, a contact or a chat id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session, selectinload

from core.settings import get_settings
from knowledge.agencies import get_agency
from knowledge.categories import get_category
from knowledge.regions import get_region
from nlu.entities.pii import mask_pii
from tickets.enums import EventKind, TicketStatus
from tickets.history import history_lines
from tickets.models import Attachment, Ticket
from tickets.moderation import hidden_parts
from tickets.statuses import all_statuses
from tickets.texts import TEXTS

COORDINATE_DECIMALS = 3  # about 110 m north-south at Lampung's latitude
MAX_SPAN = timedelta(days=90)  # GeoReport v2: a date range spans at most 90 days
MAX_ROWS = 1000
HISTORY = 20
# Events whose note staff wrote for the citizen (the workflow's notices).
NOTED = ("reject", "reroute", "progress", "resolve", "merge", EventKind.REOPENED)


@dataclass(frozen=True)
class PublicTicket:
    number: str
    category: str
    category_label: str
    is_open: bool
    status: str
    status_notes: str | None
    description: str | None  # None: hidden by an operator (tickets/moderation.py)
    agency: str | None
    requested_at: datetime
    updated_at: datetime
    expected_at: datetime | None
    address: str
    latitude: float
    longitude: float
    photo_ids: tuple[int, ...]
    history: tuple[str, ...]  # plain Indonesian, oldest first (tickets/history.py)


def listable() -> ColumnElement[bool]:
    return Ticket.confidential.is_(False)


def _notes(ticket: Ticket) -> str | None:
    for event in reversed(ticket.events):
        if event.kind in NOTED and event.note and not event.actor.startswith("citizen"):
            return mask_pii(event.note)
    return None


def _expected(ticket: Ticket) -> datetime | None:
    if ticket.status == TicketStatus.NEW:
        return ticket.forward_due_at
    if ticket.status in (TicketStatus.FORWARDED, TicketStatus.IN_PROGRESS):
        return ticket.act_due_at
    return None


def _address(ticket: Ticket) -> str:
    region = get_region(ticket.region_code or "")
    parts = [ticket.place_name, region.name if region else None]
    return ", ".join(p for p in parts if p) or TEXTS.text("public_view", "province")


def public_ticket(ticket: Ticket) -> PublicTicket:
    if ticket.confidential:
        raise ValueError(f"{ticket.number} is confidential: it has no public view")
    category = get_category(ticket.category)
    agency = get_agency(ticket.agency_code or "")
    hidden = hidden_parts(ticket)
    status = all_statuses().get(ticket.status)
    return PublicTicket(
        number=ticket.number,
        category=ticket.category,
        category_label=category.label if category else ticket.category,
        is_open=bool(status.open) if status else True,
        status=ticket.status,
        status_notes=_notes(ticket),
        description=None if hidden.text else mask_pii(ticket.description),
        agency=agency.name if agency else None,
        requested_at=ticket.created_at,
        updated_at=ticket.updated_at,
        expected_at=_expected(ticket),
        address=_address(ticket),
        latitude=round(ticket.latitude, COORDINATE_DECIMALS),
        longitude=round(ticket.longitude, COORDINATE_DECIMALS),
        photo_ids=tuple(a.id for a in ticket.attachments if a.id not in hidden.photo_ids),
        history=tuple(
            mask_pii(line) for line in history_lines(ticket, viewer_id=None, limit=HISTORY)
        ),
    )


def public_query(
    *,
    numbers: Sequence[str] = (),
    categories: Sequence[str] = (),
    regions: Sequence[str] = (),
    start: datetime | None = None,
    end: datetime | None = None,
    open_states: Sequence[bool] = (),
) -> Select[Ticket]:
    """The listable tickets asked for, newest first, at most MAX_ROWS. Numbers, when
    given, override the other filters (GeoReport v2's service_request_id)."""
    query = (
        select(Ticket)
        .where(listable())
        .options(selectinload(Ticket.events), selectinload(Ticket.attachments))
    )
    if numbers:
        return query.where(Ticket.number.in_(list(numbers))).order_by(Ticket.id.desc())
    conditions: list[ColumnElement[bool]] = []
    if categories:
        conditions.append(Ticket.category.in_(list(categories)))
    if regions:
        conditions.append(Ticket.region_code.in_(list(regions)))
    if start is not None:
        conditions.append(Ticket.created_at >= start)
    if end is not None:
        conditions.append(Ticket.created_at <= end)
    if len(set(open_states)) == 1:
        wanted = open_states[0]
        statuses = [s for s, info in all_statuses().items() if info.open == wanted]
        conditions.append(Ticket.status.in_(statuses))
    return query.where(*conditions).order_by(Ticket.created_at.desc()).limit(MAX_ROWS)


def public_photo(*, session: Session, photo_id: int) -> Attachment | None:
    """A photo anyone may see: of a listable report, not hidden by an operator."""
    attachment = session.get(Attachment, photo_id)
    ticket = attachment.ticket if attachment is not None else None
    if attachment is None or ticket is None or ticket.confidential:
        return None
    return None if photo_id in hidden_parts(ticket).photo_ids else attachment


def public_photo_file(*, session: Session, photo_id: int) -> tuple[Path, str] | None:
    """(the file, its MIME type) of a photo anyone may see, when it is on disk."""
    attachment = public_photo(session=session, photo_id=photo_id)
    if attachment is None:
        return None
    path = Path(get_settings().media_dir) / attachment.storage_path
    return (path, attachment.mime_type) if path.is_file() else None


@dataclass(frozen=True)
class ConfidentialSummary:
    """All a confidential report shows without a login."""

    number: str
    category_label: str
    region: str
    status: str


def confidential_summary(ticket: Ticket) -> ConfidentialSummary:
    category = get_category(ticket.category)
    region = get_region(ticket.region_code or "")
    return ConfidentialSummary(
        number=ticket.number,
        category_label=category.label if category else ticket.category,
        region=region.name if region else TEXTS.text("public_view", "province"),
        status=ticket.status,
    )
