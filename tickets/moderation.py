"""What operators hide from the public report pages and the Open311 list: the
report's text, or one of its photos (a face, a number plate, an insult). Each
change is an event on the ticket (who, when, what), and the current state is read
from those events, so the history explains every hidden part. Staff still see all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from core.timestamps import utcnow
from tickets.enums import EventKind, StaffRole
from tickets.models import StaffUser, Ticket, TicketEvent
from tickets.scope import can_view
from tickets.texts import TEXTS

TEXT, PHOTO = "text", "photo"
MODERATORS = (StaffRole.OPERATOR, StaffRole.COORDINATOR, StaffRole.ADMIN)


class ModerationError(Exception):
    def __init__(self, code: str, **variables: Any) -> None:
        self.code = code
        super().__init__(TEXTS.text("moderation_errors", code, **variables))


@dataclass(frozen=True)
class Hidden:
    text: bool
    photo_ids: frozenset[int]


def hidden_parts(ticket: Ticket) -> Hidden:
    text = False
    photos: set[int] = set()
    for event in ticket.events:
        if event.kind not in (EventKind.PUBLIC_HIDDEN, EventKind.PUBLIC_SHOWN):
            continue
        hide = event.kind == EventKind.PUBLIC_HIDDEN
        data = event.data or {}
        if data.get("part") == TEXT:
            text = hide
        elif data.get("part") == PHOTO and isinstance(data.get("photo_id"), int):
            (photos.add if hide else photos.discard)(data["photo_id"])
    return Hidden(text, frozenset(photos))


def set_public(
    *,
    session: Session,
    ticket: Ticket,
    staff: StaffUser,
    part: str,
    shown: bool,
    photo_id: int | None = None,
    now: datetime | None = None,
) -> TicketEvent:
    """Hide (shown=False) or show again the text or the photo `photo_id`."""
    if staff.role not in MODERATORS:
        raise ModerationError("role")
    if not can_view(staff, ticket):
        raise ModerationError("scope", nomor=ticket.number)
    data: dict[str, Any] = {"part": part}
    if part == PHOTO:
        if photo_id not in {a.id for a in ticket.attachments}:
            raise ModerationError("photo")
        data["photo_id"] = photo_id
    elif part != TEXT:
        raise ModerationError("part")
    event = TicketEvent(
        ticket=ticket,
        kind=EventKind.PUBLIC_SHOWN if shown else EventKind.PUBLIC_HIDDEN,
        from_status=ticket.status,
        to_status=ticket.status,
        actor=f"{staff.role}:{staff.id}",
        data=data,
        created_at=now or utcnow(),
    )
    session.add(event)
    session.flush()
    return event
