"""Ticket records: citizens by channel identity, creating, looking up and moving tickets.

Every function takes the caller's `session` and never commits: the caller owns the
transaction (usually core.db.transaction() / current_session()). Nothing here
sends a message; tickets.flows adds what follows (alerts, notifications).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from knowledge.agencies import route_for
from knowledge.categories import get_category
from tickets.deadlines import forward_due
from tickets.enums import EventKind, LocationSource, TicketStatus
from tickets.models import (
    Attachment,
    Citizen,
    Contact,
    Ticket,
    TicketEvent,
    utcnow,
)
from tickets.numbering import next_ticket_number
from tickets.statuses import get_status


def find_citizen(*, session: Session, channel: str, user_key: str) -> Citizen | None:
    return session.scalars(
        select(Citizen)
        .join(Contact, Contact.citizen_id == Citizen.id)
        .where(Contact.channel == channel, Contact.user_key == user_key)
    ).one_or_none()


def get_or_create_citizen(
    *,
    session: Session,
    channel: str,
    user_key: str,
    display_name: str | None = None,
    phone: str | None = None,
) -> Citizen:
    """`phone`: the number the channel knows the user by (its user key is the
    number), recorded on a new contact."""
    citizen = find_citizen(session=session, channel=channel, user_key=user_key)
    if citizen is None:
        try:
            # The savepoint confines a lost race (another transaction inserted the
            # same contact first) so the caller's transaction stays usable.
            with session.begin_nested():
                citizen = Citizen(display_name=display_name)
                session.add(citizen)
                session.add(
                    Contact(
                        citizen=citizen, channel=channel, user_key=user_key,
                        phone=phone,
                    )
                )  # fmt: skip
        except IntegrityError:
            citizen = find_citizen(session=session, channel=channel, user_key=user_key)
            if citizen is None:  # the conflicting row is gone again: give up loudly
                raise
    if display_name and not citizen.display_name:
        citizen.display_name = display_name
    return citizen


def tickets_filed_since(*, session: Session, citizen: Citizen, since: datetime) -> int:
    """How many tickets the citizen filed since `since` (the per-hour report limit)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Ticket)
            .where(Ticket.citizen_id == citizen.id, Ticket.created_at >= since)
        )
        or 0
    )


def set_contact_phone(*, session: Session, channel: str, user_key: str, phone: str) -> Contact:
    """Remember the phone number a citizen shared on this channel (operators only see it)."""
    citizen = get_or_create_citizen(session=session, channel=channel, user_key=user_key)
    contact = next(c for c in citizen.contacts if (c.channel, c.user_key) == (channel, user_key))
    contact.phone = phone
    return contact


def _confidential_category(category: str) -> bool:
    known = get_category(category)
    return known is not None and known.confidential


def create_ticket(
    *,
    session: Session,
    citizen: Citizen,
    category: str,
    description: str,
    latitude: float,
    longitude: float,
    region_code: str | None = None,
    attachment_ids: Sequence[int] = (),
    confidential: bool = False,
    now: datetime | None = None,
    location_source: str = LocationSource.PIN,
    address_text: str | None = None,
    place_name: str | None = None,
) -> Ticket:
    """Create a ticket (status "new") with its number, photos and "created" event
    (tickets.flows.file_ticket also alerts the operators).

    `location_source` says how the location was obtained: a pin, or typed (a place
    name, an address) with the place's centroid as approximate coordinates.

    `now` (default: current UTC time; naive means UTC) sets created_at and the year
    of the ticket number. Attachments already linked to another ticket are skipped.
    A report of a confidential category (pungli) is confidential whatever the
    caller says: no path into the system can file one that shows its reporter.
    """
    if not category:
        raise ValueError("category is required")
    if not description or not description.strip():
        raise ValueError("description is required")
    if not -90.0 <= latitude <= 90.0 or not -180.0 <= longitude <= 180.0:
        raise ValueError(f"invalid coordinates: {latitude}, {longitude}")
    source = LocationSource(location_source)  # ValueError for an unknown one
    if now is None:
        now = utcnow()
    elif now.tzinfo is None:
        now = now.replace(tzinfo=UTC)

    seq, number = next_ticket_number(session=session, year=now.year)
    ticket = Ticket(
        number=number,
        year=now.year,
        seq=seq,
        status=TicketStatus.NEW,
        category=category,
        description=description.strip(),
        latitude=latitude,
        longitude=longitude,
        location_source=source,
        address_text=address_text.strip() if address_text and address_text.strip() else None,
        place_name=place_name,
        region_code=region_code,
        suggested_agency_code=route_for(category).agency,
        confidential=confidential or _confidential_category(category),
        citizen=citizen,
        created_at=now,
        updated_at=now,
        forward_due_at=forward_due(now),
    )
    session.add(ticket)
    session.flush()

    linked = link_attachments(session, ticket, attachment_ids)
    session.add(
        TicketEvent(
            ticket=ticket,
            kind=EventKind.CREATED,
            from_status=None,
            to_status=TicketStatus.NEW,
            actor=f"citizen:{citizen.id}",
            data={"category": category, "attachment_count": len(linked)},
            created_at=now,
        )
    )
    session.flush()
    return ticket


def link_attachments(session: Session, ticket: Ticket, attachment_ids: Sequence[int]) -> list[int]:
    if not attachment_ids:
        return []
    # One conditional UPDATE: under concurrency only one ticket can claim a photo
    # (the "ticket_id IS NULL" test is re-checked after the row lock on PostgreSQL).
    linked = list(
        session.scalars(
            update(Attachment)
            .where(Attachment.id.in_(set(attachment_ids)), Attachment.ticket_id.is_(None))
            .values(ticket_id=ticket.id)
            .returning(Attachment.id)
            .execution_options(synchronize_session="fetch")
        )
    )
    # Reload now rather than expire: callers use the ticket after their session closes.
    session.refresh(ticket, ["attachments"])
    return sorted(linked)


# What ticket_to_dict reads, loaded with the ticket so it works after the session closes.
_SERIALISED = (
    selectinload(Ticket.events),
    selectinload(Ticket.attachments),
    selectinload(Ticket.citizen).selectinload(Citizen.contacts),
)


def get_ticket_by_number(*, session: Session, number: str) -> Ticket | None:
    return session.scalars(
        select(Ticket).where(Ticket.number == number.strip().upper()).options(*_SERIALISED)
    ).one_or_none()


def list_tickets(
    *,
    session: Session,
    citizen_id: int | None = None,
    status: str | None = None,
    limit: int = 50,
    where: ColumnElement[bool] | None = None,
) -> list[Ticket]:
    """Newest first. Events and photos are loaded too, so results serialise after commit.
    `where`: a further condition (a viewer's scope, tickets.scope.visible_filter)."""
    query = (
        select(Ticket)
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(limit)
        .options(*_SERIALISED)
    )
    if citizen_id is not None:
        query = query.where(Ticket.citizen_id == citizen_id)
    if status is not None:
        query = query.where(Ticket.status == status)
    if where is not None:
        query = query.where(where)
    return list(session.scalars(query))


def change_status(
    *,
    session: Session,
    ticket: Ticket,
    to_status: str,
    actor: str,
    note: str | None = None,
    now: datetime | None = None,
) -> TicketEvent:
    """Move a ticket to `to_status` and record the event (tickets.flows.move_ticket
    also notifies the citizen).

    Which transitions are allowed, and who may make them, is the operator
    workflow's business; here only the status must exist and differ.
    """
    get_status(to_status)  # KeyError for an unknown status
    if to_status == ticket.status:
        raise ValueError(f"{ticket.number} is already {to_status!r}")
    now = now or utcnow()
    event = TicketEvent(
        ticket=ticket,
        kind=EventKind.STATUS_CHANGED,
        from_status=ticket.status,
        to_status=to_status,
        actor=actor,
        note=note,
        data={},
        created_at=now,
    )
    ticket.status = to_status
    ticket.updated_at = now
    session.add(event)
    session.flush()
    return event
