"""A staff member writes to a ticket's reporter (the workspace's "Kirim pesan ke warga").

The message is recorded on the ticket (an event, so the history shows who wrote
what) and queued in the outbox for every reachable chat of the reporter, on the
channel they reported on; the channel delivers it like any ticket news (outside
a chat platform's reply window as its status template). Who may write: the
staff who may see the ticket and work on it (not leaders, who monitor).
A confidential report's reporter is reached the same way: the staff member never
sees their contact, the outbox does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from core.timestamps import utcnow
from tickets.enums import EventKind, StaffRole
from tickets.models import StaffUser, Ticket, TicketEvent
from tickets.notifications import enqueue
from tickets.scope import can_view
from tickets.texts import TEXTS

RESPONSE = "utter_pesan_petugas"
MAX_CHARS = 3500  # below the 4,096 characters a chat message may have
WRITERS = (
    StaffRole.OPERATOR,
    StaffRole.COORDINATOR,
    StaffRole.AGENCY,
    StaffRole.AGENCY_HEAD,
    StaffRole.ADMIN,
)


class MessageError(Exception):
    def __init__(self, code: str, **variables: Any) -> None:
        self.code = code
        super().__init__(TEXTS.text("citizen_message_errors", code, **variables))


def message_citizen(
    *,
    session: Session,
    ticket: Ticket,
    staff: StaffUser,
    text: str,
    now: datetime | None = None,
) -> TicketEvent:
    if staff.role not in WRITERS:
        raise MessageError("role", peran=staff.role)
    if not can_view(staff, ticket):
        raise MessageError("scope", nomor=ticket.number)
    message = text.strip()
    if not message:
        raise MessageError("empty")
    if len(message) > MAX_CHARS:
        raise MessageError("too_long", maks=MAX_CHARS)
    reachable = [c for c in ticket.citizen.contacts if c.blocked_at is None]
    if not reachable:  # filed by another system (Open311), or the reporter blocked us
        raise MessageError("unreachable", nomor=ticket.number)
    now = now or utcnow()
    event = TicketEvent(
        ticket=ticket,
        kind=EventKind.STAFF_MESSAGE,
        from_status=ticket.status,
        to_status=ticket.status,
        actor=f"{staff.role}:{staff.id}",
        note=message,
        data={},
        created_at=now,
    )
    session.add(event)
    session.flush()
    for contact in reachable:
        enqueue(
            session=session,
            channel=contact.channel,
            user_key=contact.user_key,
            response=RESPONSE,
            variables={"nomor": ticket.number, "pesan": message},
            dedupe_key=f"event:{event.id}:{contact.channel}:{contact.user_key}",
            ticket_id=ticket.id,
        )
    session.flush()
    return event
