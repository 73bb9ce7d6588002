"""Show the citizen's own tickets and their state."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.common import format_time, split_sender
from core.db import current_session
from knowledge.categories import get_category
from tickets.models import Ticket
from tickets.service import find_citizen, get_ticket_by_number, list_tickets
from tickets.statuses import status_label

MAX_LISTED = 5


def _utter_ticket(dispatcher: CollectingDispatcher, ticket: Ticket) -> None:
    category = get_category(ticket.category)
    dispatcher.utter_message(
        response="utter_status_tiket",
        nomor=ticket.number,
        kategori_label=category.label if category else ticket.category,
        status_label=status_label(ticket.status),
        dibuat=format_time(ticket.created_at),
    )


class ActionCekStatus(Action):
    def name(self) -> str:
        return "action_cek_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        channel, user_key = split_sender(tracker)
        asked = [str(v) for v in tracker.get_latest_entity_values("ticket_number")]
        with current_session() as session:
            citizen = find_citizen(session=session, channel=channel, user_key=user_key)
            citizen_id = None if citizen is None else citizen.id
            own = [] if citizen_id is None else list_tickets(session=session, citizen_id=citizen_id)
            if not asked:
                if not own:
                    dispatcher.utter_message(response="utter_status_daftar_kosong")
                    return []
                dispatcher.utter_message(response="utter_status_daftar_judul", jumlah=len(own))
                for ticket in own[:MAX_LISTED]:
                    _utter_ticket(dispatcher, ticket)
                return []
            for number in asked:
                found = _find_own(session, citizen_id, own, number)
                if found is None:
                    dispatcher.utter_message(response="utter_status_tidak_ditemukan", nomor=number)
                else:
                    _utter_ticket(dispatcher, found)
        return []


def _find_own(
    session: Session, citizen_id: int | None, own: list[Ticket], number: str
) -> Ticket | None:
    """A full number, or a bare sequence number ("cek tiket 123") among the user's tickets.

    Another citizen's ticket is reported as not found: numbers are easy to guess.
    """
    if number.isdigit():
        return next((t for t in own if t.seq == int(number)), None)
    ticket = get_ticket_by_number(session=session, number=number)
    if ticket is None or citizen_id is None or ticket.citizen_id != citizen_id:
        return None
    return ticket
