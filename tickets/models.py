"""Ticket tables: regions, agencies, citizens and their contacts, tickets, events, photos."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base
from core.timestamps import UTCDateTime, utcnow
from tickets.enums import LocationSource, TicketStatus
from tickets.escalation_levels import awaited, first_due


class Region(Base):
    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))  # "kota" / "kabupaten"


class Agency(Base):
    __tablename__ = "agency"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    level: Mapped[str] = mapped_column(String(32))


class Citizen(Base):
    __tablename__ = "citizen"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    display_name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contacts: Mapped[list[Contact]] = relationship(
        back_populates="citizen", order_by="Contact.id", cascade="all, delete-orphan"
    )


class Contact(Base):
    """How a citizen reaches us: one row per (channel, user id on that channel)."""

    __tablename__ = "contact"
    __table_args__ = (UniqueConstraint("channel", "user_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    citizen_id: Mapped[int] = mapped_column(
        ForeignKey("citizen.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(32))  # the channel adapter's name
    user_key: Mapped[str] = mapped_column(String(128))
    phone: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when the channel says the user blocked the bot; no more notifications.
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    citizen: Mapped[Citizen] = relationship(back_populates="contacts")


class Ticket(Base):
    __tablename__ = "ticket"
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        # The nearby-duplicate check (tickets/duplicates.py): one category's open,
        # pinned tickets in a latitude band, without reading every open ticket.
        Index("ix_ticket_nearby", "category", "location_source", "status", "latitude"),
        # Staff lists (tickets/queue.py): a region's or an agency's tickets of a status
        # (or all tickets of one), newest first, an index range without a sort.
        Index("ix_ticket_region_queue", "region_code", "status", "created_at", "id"),
        Index("ix_ticket_agency_queue", "agency_code", "status", "created_at", "id"),
        Index("ix_ticket_status_created", "status", "created_at", "id"),
        # A citizen's tickets (`status`), and one by its number in the year ("cek 123").
        Index("ix_ticket_citizen_seq", "citizen_id", "seq"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # "LPG-2026-000123"
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(32), default=TicketStatus.NEW)
    category: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    # How the location was obtained (enums.LocationSource): for "place" and "address"
    # the coordinates are a centroid, the location approximate.
    location_source: Mapped[str] = mapped_column(
        String(16), default=LocationSource.PIN, server_default=LocationSource.PIN.value
    )
    address_text: Mapped[str | None] = mapped_column(Text)  # what the citizen typed
    place_name: Mapped[str | None] = mapped_column(String(200))  # the place chosen for it
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    agency_code: Mapped[str | None] = mapped_column(ForeignKey("agency.code"))
    # The routing table's suggestion; the operator confirms it by forwarding.
    suggested_agency_code: Mapped[str | None] = mapped_column(ForeignKey("agency.code"))
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    # Service levels (tickets/sla.yml): the operator must forward by forward_due_at,
    # the agency act by act_due_at (set when forwarded).
    forward_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    forwarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    act_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # The tracking number SP4N-LAPOR! gave the report, when an operator referred it there.
    lapor_tracking_id: Mapped[str | None] = mapped_column(String(32))
    # When the SLA sweep next has a breach to record (tickets/escalation_levels.py),
    # NULL when none: kept by the flush hook below and by the sweep.
    escalation_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"))
    # The citizen's verdict after resolution (1-5) and optional comment.
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # Optimistic locking: operators and the bot may edit the same ticket concurrently;
    # a stale UPDATE fails with StaleDataError instead of silently overwriting.
    version: Mapped[int] = mapped_column(Integer)

    citizen: Mapped[Citizen] = relationship()
    region: Mapped[Region | None] = relationship()
    agency: Mapped[Agency | None] = relationship(foreign_keys=[agency_code])
    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="ticket", order_by="Attachment.id"
    )
    supporters: Mapped[list[TicketSupporter]] = relationship(
        order_by="TicketSupporter.id", cascade="all, delete-orphan"
    )

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


# The deadline a ticket awaits follows from these; escalation_due_at is reset to its
# level 1 whenever it changes, by whatever code changed them (workflow, flows,
# citizen actions, tests). Writes that bypass the ORM (bulk inserts, Core updates)
# must set it themselves: tickets/escalation_backfill.py.
_DEADLINE_ATTRS = ("status", "forward_due_at", "act_due_at")
_UNKNOWN = object()


@event.listens_for(Ticket, "before_insert")
def _schedule_new_ticket(_mapper: Any, _connection: Any, ticket: Ticket) -> None:
    ticket.escalation_due_at = first_due(ticket.status, ticket.forward_due_at, ticket.act_due_at)


@event.listens_for(Ticket, "before_update")
def _reschedule_ticket(_mapper: Any, _connection: Any, ticket: Ticket) -> None:
    state = inspect(ticket)
    histories = [state.attrs[name].history for name in _DEADLINE_ATTRS]
    if not any(h.has_changes() for h in histories):
        return
    # The value before this flush; unknown when it was never loaded (then reschedule:
    # a level recorded before is not recorded again, the unique key sees to that).
    before = [h.deleted[0] if h.deleted else h.unchanged[0] if h.unchanged else _UNKNOWN
              for h in histories]  # fmt: skip
    now = (ticket.status, ticket.forward_due_at, ticket.act_due_at)
    if _UNKNOWN in before or awaited(*before) != awaited(*now):  # type: ignore[arg-type]
        ticket.escalation_due_at = first_due(*now)


class TicketEvent(Base):
    """Audit trail: every change to a ticket, in order, with who did it."""

    __tablename__ = "ticket_event"
    # The leaders' dashboard counts rejections and re-routes of a period: a few
    # kinds in a date range, not every event of the year.
    __table_args__ = (Index("ix_ticket_event_kind_created", "kind", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # "created", "status_changed", ...
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str | None] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))  # "citizen:12", "operator:3", "system"
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="events")


class Attachment(Base):
    """A stored photo. `ticket_id` is empty until the report it belongs to is filed."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket.id", ondelete="SET NULL"), index=True
    )
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    mime_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    storage_path: Mapped[str] = mapped_column(String(255))  # relative to MEDIA_DIR, "/"-separated
    original_name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    ticket: Mapped[Ticket | None] = relationship(back_populates="attachments")


class TicketSequence(Base):
    """Last ticket number handed out per year (see tickets.numbering)."""

    __tablename__ = "ticket_sequence"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class TicketSupporter(Base):
    """A citizen who reported the same problem and chose to support this ticket
    ("dukung") instead of filing another; they are notified like the reporter."""

    __tablename__ = "ticket_supporter"
    __table_args__ = (UniqueConstraint("ticket_id", "citizen_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    # Indexed for `status`: the tickets a citizen supports (tickets.following).
    citizen_id: Mapped[int] = mapped_column(
        ForeignKey("citizen.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    citizen: Mapped[Citizen] = relationship()


class StaffUser(Base):
    """An operator, agency staff member, leader or admin (not a citizen).

    Operators work for a region (None: the whole province); agency staff for an
    agency, in one region for kabupaten/kota agencies.
    """

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))  # operator / agency / leader / admin
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    agency_code: Mapped[str | None] = mapped_column(ForeignKey("agency.code"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The web workspace's login (tickets/accounts.py): lower-cased e-mail, argon2 hash.
    email: Mapped[str | None] = mapped_column(String(255), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))

    contacts: Mapped[list[StaffContact]] = relationship(
        back_populates="staff", order_by="StaffContact.id", cascade="all, delete-orphan"
    )


class StaffContact(Base):
    """How a staff member is reached and recognised: one row per (channel, user id
    on that channel), like a citizen's Contact."""

    __tablename__ = "staff_contact"
    __table_args__ = (UniqueConstraint("channel", "user_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(32))
    user_key: Mapped[str] = mapped_column(String(128))

    staff: Mapped[StaffUser] = relationship(back_populates="contacts")


class Escalation(Base):
    """One missed deadline of one ticket, recorded once (the SLA sweep).

    kind "forward": the region's operators did not forward by forward_due_at;
    kind "act": the agency did not resolve by act_due_at. Level 1 goes to the
    region coordinator or the agency head, level 2 (still late a day later) to
    the leaders' daily digest. A re-routed ticket has a new deadline, so a new
    breach.
    """

    __tablename__ = "escalation"
    __table_args__ = (
        UniqueConstraint("ticket_id", "kind", "level", "due_at"),
        # The digest (level 2) and the report (level 1) count one period of one level.
        Index("ix_escalation_level_recorded_at", "level", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    level: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Who was late: the region (forward) or the agency in its region (act).
    region_code: Mapped[str | None] = mapped_column(String(64), index=True)
    agency_code: Mapped[str | None] = mapped_column(String(64), index=True)


class StaffChat(Base):
    """A group chat, on some channel, where a region's operators or an agency's staff work.

    New tickets of the region go to its operator chats; forwarded tickets to the
    chats of the agency (in that region, or province-wide when region is None).
    """

    __tablename__ = "staff_chat"
    __table_args__ = (UniqueConstraint("channel", "chat_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    chat_key: Mapped[str] = mapped_column(String(128))  # the chat's id on that channel
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    agency_code: Mapped[str | None] = mapped_column(ForeignKey("agency.code"))


class Notification(Base):
    """Outbox: a message for a citizen's chat, delivered by that channel's worker.

    The text is a domain response name plus its variables, rendered by the channel
    (Indonesian wording stays in domain/; tickets never import a channel).
    """

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(32))
    user_key: Mapped[str] = mapped_column(String(128))
    response: Mapped[str] = mapped_column(String(64))
    variables: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the text's only
    # What staff alerts carry beside the text: [{"title", "payload"}, ...], a photo
    # (relative to MEDIA_DIR) and a map pin (all four venue fields or none).
    buttons: Mapped[list[Any] | None] = mapped_column()
    attachment_path: Mapped[str | None] = mapped_column(String(255))
    venue_latitude: Mapped[float | None] = mapped_column(Float)
    venue_longitude: Mapped[float | None] = mapped_column(Float)
    venue_title: Mapped[str | None] = mapped_column(String(255))
    venue_address: Mapped[str | None] = mapped_column(String(255))
    # One notification per event and contact, however often the event is replayed.
    # A conversation reply (the engine's Outbound, whole) instead of a response to
    # render: the citizen's answer survives a crash between the commit and the send.
    reply: Mapped[dict[str, Any] | None] = mapped_column()
    dedupe_key: Mapped[str] = mapped_column(String(128), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_notification_due", "status", "channel", "next_attempt_at"),)
