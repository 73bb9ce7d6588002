"""Buttons pressed by staff in their chats -> workflow actions.

Channel-agnostic: the channel adapter passes who pressed (their channel and user
key), the chat it was pressed in (`chat_key`, for group chats) and the button data
("op:forward:LPG-2026-000123:dlh"); this module finds the staff member by that
contact, performs the action with tickets.workflow (their role and scope are
checked there) and says what to answer. The caller (bot/staff_buttons.py) owns
the transaction.

Button data comes from the client and is not trusted: the exact button must have
been offered for that ticket in an alert to that chat (the queued notification
rows record the buttons they carried). Without `chat_key` the press came from a
private chat, whose key is the presser's own user key.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tickets.models import Notification, StaffContact, StaffUser, Ticket
from tickets.service import get_ticket_by_number
from tickets.staff_alerts import BUTTON_PREFIX
from tickets.statuses import status_label
from tickets.texts import TEXTS
from tickets.workflow import Request, conflict_error, perform


@dataclass(frozen=True)
class StaffReply:
    ok: bool
    text: str


def is_staff_button(data: str) -> bool:
    return data.startswith(f"{BUTTON_PREFIX}:")


def was_offered(
    *, session: Session, ticket: Ticket, channel: str, chat_key: str, data: str
) -> bool:
    """Whether a notification about `ticket` to (channel, chat_key) carried this button."""
    offered = session.scalars(
        select(Notification.buttons).where(
            Notification.ticket_id == ticket.id,
            Notification.channel == channel,
            Notification.user_key == chat_key,
        )
    )
    return any(b.get("payload") == data for buttons in offered for b in buttons or ())


def press(
    *, session: Session, channel: str, user_key: str, data: str, chat_key: str | None = None
) -> StaffReply:
    """Perform the button's action for the staff member with this contact, pressed
    in chat `chat_key` (None: their private chat with the bot).

    A refused action raises WorkflowError, and a concurrent change StaleDataError
    (on flush): the caller rolls the transaction back and answers with
    `refusal_reply`.
    """
    parts = data.split(":")
    if len(parts) < 3:
        return StaffReply(False, TEXTS.text("errors", "unknown_action", aksi=data))
    _, action, number, *rest = parts
    replies = TEXTS.section("staff_replies")
    staff = session.scalar(
        select(StaffUser)
        .join(StaffContact, StaffContact.staff_id == StaffUser.id)
        .where(
            StaffContact.channel == channel,
            StaffContact.user_key == user_key,
            StaffUser.active.is_(True),
        )
    )
    if staff is None:
        return StaffReply(False, replies["not_staff"])
    ticket = get_ticket_by_number(session=session, number=number)
    if ticket is None:
        return StaffReply(False, replies["unknown_ticket"].format(nomor=number))
    where = chat_key if chat_key is not None else user_key
    if not was_offered(session=session, ticket=ticket, channel=channel, chat_key=where, data=data):
        return StaffReply(False, replies["not_offered"].format(nomor=ticket.number))
    note = TEXTS.section("button_notes").get(action)
    request = Request(agency=rest[0] if rest else None, reason=note, note=note)
    perform(session=session, ticket=ticket, action=action, actor=staff, request=request)
    session.flush()  # a concurrent change surfaces here, before the reply says "done"
    text = replies["done"].format(
        nomor=ticket.number, status=status_label(ticket.status), nama=staff.name
    )
    return StaffReply(True, text)


def refusal_reply(error: Exception, data: str) -> StaffReply:
    """What to answer when `press` raised (the transaction rolled back)."""
    if isinstance(error, StaleDataError):
        number = data.split(":")[2] if data.count(":") >= 2 else data
        return StaffReply(False, str(conflict_error(number)))
    return StaffReply(False, str(error))
