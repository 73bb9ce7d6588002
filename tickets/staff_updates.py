"""What staff are told when a citizen acts on a filed ticket: an addition (text,
photo) and a withdrawal. Through the same outbox and chats as the alerts of
tickets/staff_alerts.py: the region's operators while the ticket is new, the
agency's chats once it was forwarded. A confidential ticket's words reach the
chats masked (tickets.privacy).
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from knowledge.categories import get_category
from tickets.enums import TicketStatus
from tickets.models import Attachment, Notification, StaffChat, Ticket, TicketEvent
from tickets.notifications import PENDING, Extras, enqueue
from tickets.privacy import text_for
from tickets.staff_alerts import (
    agency_chats,
    chat_key,
    new_ticket_key,
    operator_chats,
    region_name,
)

ADDITION_RESPONSE = "utter_staf_tambahan_keterangan"
WITHDRAWN_RESPONSE = "utter_staf_laporan_dibatalkan"


def _chats(session: Session, ticket: Ticket) -> list[StaffChat]:
    if ticket.status == TicketStatus.NEW or not ticket.agency_code:
        return operator_chats(session, ticket)
    return agency_chats(session, ticket)


def _category(ticket: Ticket) -> str:
    category = get_category(ticket.category)
    return category.label if category else ticket.category


def alert_addition(
    *, session: Session, ticket: Ticket, event: TicketEvent, photo_ids: list[int]
) -> int:
    """The addition to whoever works on the ticket now; returns how many chats."""
    chats = _chats(session, ticket)
    photo = session.get(Attachment, photo_ids[0]) if photo_ids else None
    extras = Extras(attachment_path=photo.storage_path if photo else None)
    for chat in chats:
        variables = {
            "nomor": ticket.number,
            "kategori": _category(ticket),
            "wilayah": region_name(ticket),
            "isi": text_for(chat, ticket, event.note or ""),
            "jumlah_foto": len(photo_ids) or "",
        }
        enqueue(session=session, channel=chat.channel, user_key=chat.chat_key,
                response=ADDITION_RESPONSE, variables=variables, extras=extras,
                dedupe_key=chat_key(f"event:{event.id}", chat),
                ticket_id=ticket.id)  # fmt: skip
    session.flush()
    return len(chats)


def alert_withdrawal(*, session: Session, ticket: Ticket, event: TicketEvent) -> int:
    """A new-ticket alert not sent yet is dropped; a chat that got it is told the
    report was withdrawn (its buttons now answer with the status). Returns how
    many chats are told."""
    told = 0
    for chat in operator_chats(session, ticket):
        key = chat_key(new_ticket_key(ticket), chat)
        status = session.scalar(select(Notification.status).where(Notification.dedupe_key == key))
        if status is None:
            continue  # never alerted (e.g. folded into a flood note)
        if status == PENDING:
            dropped = session.execute(
                delete(Notification).where(
                    Notification.dedupe_key == key, Notification.status == PENDING
                )
            )
            if getattr(dropped, "rowcount", 0):
                continue  # claimed meanwhile: it is being sent, so tell the chat
        variables = {"nomor": ticket.number, "kategori": _category(ticket),
                     "wilayah": region_name(ticket)}  # fmt: skip
        enqueue(session=session, channel=chat.channel, user_key=chat.chat_key,
                response=WITHDRAWN_RESPONSE, variables=variables,
                dedupe_key=chat_key(f"event:{event.id}", chat),
                ticket_id=ticket.id)  # fmt: skip
        told += 1
    session.flush()
    return told
