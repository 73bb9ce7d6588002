"""New work for the people who act: messages with buttons in staff group chats.

A new ticket goes to its region's operator chats (forward to the suggested
agency or an alternative, or reject); a forwarded ticket goes to the agency's
chats (accept, resolve). Each chat gets the message on its own channel. Buttons
carry "op:<action>:<number>[:<agency>]", which tickets/staff_buttons.py turns
into workflow actions. Messages go through the outbox. A confidential ticket's
description reaches the chats masked (tickets.privacy); its photo was stripped of
metadata when it was stored (tickets.media).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.timestamps import format_wib
from knowledge.agencies import get_agency, route_for
from knowledge.categories import get_category
from tickets.enums import TicketStatus
from tickets.location import approximate_note, map_pin, region_name
from tickets.models import StaffChat, Ticket
from tickets.notifications import Extras, enqueue
from tickets.privacy import text_for
from tickets.service import tickets_filed_since
from tickets.texts import TEXTS

BUTTON_PREFIX = "op"
OPERATOR_RESPONSE = "utter_operator_tiket_baru"
AGENCY_RESPONSE = "utter_instansi_tiket_baru"
FLOOD_RESPONSE = "utter_operator_banyak_laporan"
# New-ticket alerts per citizen and hour before they are folded into one note.
ALERTS_PER_CITIZEN_HOUR = 3


def new_ticket_key(ticket: Ticket) -> str:
    """The dedupe key prefix of a new ticket's alerts (one per chat)."""
    return f"new:{ticket.id}"


def chat_key(key: str, chat: StaffChat) -> str:
    return f"{key}:chat:{chat.channel}:{chat.chat_key}"


def button_payload(action: str, number: str, agency: str | None = None) -> str:
    return ":".join(x for x in (BUTTON_PREFIX, action, number, agency) if x)


def _button(action: str, ticket: Ticket, agency: str | None = None) -> dict[str, str]:
    found = get_agency(agency) if agency else None
    name = found.name if found else ""
    title = TEXTS.text("buttons", action, instansi=name)
    return {"title": title, "payload": button_payload(action, ticket.number, agency)}


def _extras(ticket: Ticket, buttons: list[dict[str, str]]) -> Extras:
    photo = ticket.attachments[0].storage_path if ticket.attachments else None
    return Extras(buttons=buttons, attachment_path=photo, venue=map_pin(ticket))


def alert_variables(ticket: Ticket, chat: StaffChat) -> dict[str, Any]:
    category = get_category(ticket.category)
    agency = get_agency(ticket.agency_code or ticket.suggested_agency_code or "")
    due = ticket.forward_due_at if ticket.status == TicketStatus.NEW else ticket.act_due_at
    return {
        "nomor": ticket.number,
        "kategori": category.label if category else ticket.category,
        "uraian": text_for(chat, ticket, ticket.description),
        "wilayah": region_name(ticket),
        # A typed location: staff must know it is approximate (tickets.location).
        "lokasi_perkiraan": approximate_note(ticket),
        "alamat": text_for(chat, ticket, ticket.address_text) if ticket.address_text else "",
        "instansi": agency.name if agency else "",
        "batas": format_wib(due) if due else "",
    }


def _queue(session: Session, ticket: Ticket, chats: Sequence[StaffChat], response: str,
           buttons: list[dict[str, str]], key: str) -> None:  # fmt: skip
    extras = _extras(ticket, buttons)
    for chat in chats:
        enqueue(session=session, channel=chat.channel, user_key=chat.chat_key,
                response=response, variables=alert_variables(ticket, chat), extras=extras,
                dedupe_key=chat_key(key, chat),
                ticket_id=ticket.id)  # fmt: skip
    session.flush()


def operator_chats(session: Session, ticket: Ticket) -> list[StaffChat]:
    """The chats of the ticket's region's operators."""
    return list(
        session.scalars(
            select(StaffChat).where(
                StaffChat.region_code == ticket.region_code, StaffChat.agency_code.is_(None)
            )
        )
    )


def agency_chats(session: Session, ticket: Ticket) -> list[StaffChat]:
    """The chats of the ticket's agency, in its region or province-wide."""
    return list(
        session.scalars(
            select(StaffChat).where(
                StaffChat.agency_code == ticket.agency_code,
                or_(StaffChat.region_code.is_(None), StaffChat.region_code == ticket.region_code),
            )
        )
    )


def alert_operators(*, session: Session, ticket: Ticket) -> None:
    chats = operator_chats(session, ticket)
    if not chats:
        return
    now = ticket.created_at
    recent = tickets_filed_since(
        session=session, citizen=ticket.citizen, since=now - timedelta(hours=1)
    )
    if recent > ALERTS_PER_CITIZEN_HOUR:
        # A flood: one note for the hour instead of a message per ticket (they are
        # all in the operators' queue, `tickets queue`).
        hour = now.strftime("%Y%m%d%H")
        variables = {"jumlah": recent, "wilayah": region_name(ticket), "nomor": ticket.number}
        for chat in chats:
            enqueue(
                session=session, channel=chat.channel, user_key=chat.chat_key,
                response=FLOOD_RESPONSE, variables=variables, ticket_id=ticket.id,
                dedupe_key=f"flood:{ticket.citizen_id}:{hour}:chat:{chat.channel}:{chat.chat_key}",
            )  # fmt: skip
        session.flush()
        return
    route = route_for(ticket.category)
    agencies = [a for a in (ticket.suggested_agency_code, *route.also) if a]
    buttons = [_button("forward", ticket, a) for a in dict.fromkeys(agencies)]
    buttons.append(_button("reject", ticket))
    _queue(session, ticket, chats, OPERATOR_RESPONSE, buttons, new_ticket_key(ticket))


def alert_agency(*, session: Session, ticket: Ticket, event_id: int) -> None:
    chats = agency_chats(session, ticket)
    if not chats:
        return
    buttons = [_button("accept", ticket), _button("resolve", ticket)]
    _queue(session, ticket, chats, AGENCY_RESPONSE, buttons, f"event:{event_id}")
