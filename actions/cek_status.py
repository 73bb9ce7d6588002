"""Show the tickets a citizen follows (their own, supported, merged into) and their state.

One ticket (or "cek LPG-..."): the agency, the running deadline, the last events
with their notes, the resolution photo, and for a resolved ticket the rating
given or the buttons to rate or reopen. Several: one short card each.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import format_time
from actions.filed.common import category_label, citizen_id
from core.db import current_session
from tickets.enums import TicketStatus
from tickets.following import Followed, find_followed, followed_tickets
from tickets.history import agency_name, deadline, history_lines, relation_text, resolution_photo
from tickets.statuses import status_label

MAX_LISTED = 5


def _card(followed: Followed) -> dict[str, Any]:
    ticket = followed.ticket
    due = deadline(ticket)
    return {
        "nomor": ticket.number,
        "kategori_label": category_label(ticket),
        "status_label": status_label(ticket.status),
        "instansi": agency_name(ticket),
        "batas_label": due.label if due else "",
        "batas": due.text if due else "",
        "hubungan": relation_text(followed),
        "dibuat": format_time(ticket.created_at),
    }


def awaits_rating(followed: Followed) -> bool:
    ticket = followed.ticket
    return followed.own and ticket.status == TicketStatus.RESOLVED and ticket.rating is None


def utter_detail(dispatcher: CollectingDispatcher, followed: Followed, viewer: int | None) -> None:
    ticket = followed.ticket
    rated = followed.own and ticket.rating is not None
    dispatcher.utter_message(
        response="utter_status_rinci",
        riwayat="\n".join(history_lines(ticket, viewer_id=viewer)),
        nilai=ticket.rating if rated else "",
        **_card(followed),
    )
    photo = resolution_photo(ticket, viewer_id=viewer)
    if photo is not None and photo.is_file():
        dispatcher.utter_message(image=str(photo))
    if awaits_rating(followed):
        dispatcher.utter_message(response="utter_status_minta_nilai", nomor=ticket.number)


class ActionCekStatus(Action):
    def name(self) -> str:
        return "action_cek_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        asked = [str(v) for v in tracker.get_latest_entity_values("ticket_number")]
        with current_session() as session:
            viewer = citizen_id(tracker, session)
            if asked:
                for number in asked:
                    found = find_followed(session=session, citizen_id=viewer, number=number)
                    if found is None:
                        dispatcher.utter_message(
                            response="utter_status_tidak_ditemukan", nomor=number
                        )
                    else:
                        utter_detail(dispatcher, found, viewer)
                return []
            followed = [] if viewer is None else followed_tickets(session=session,
                                                                   citizen_id=viewer)  # fmt: skip
            if not followed:
                dispatcher.utter_message(response="utter_status_daftar_kosong")
            elif len(followed) == 1:
                utter_detail(dispatcher, followed[0], viewer)
            else:
                dispatcher.utter_message(response="utter_status_daftar_judul",
                                         jumlah=len(followed))  # fmt: skip
                for item in followed[:MAX_LISTED]:
                    dispatcher.utter_message(response="utter_status_tiket", **_card(item))
                    if awaits_rating(item):
                        dispatcher.utter_message(
                            response="utter_status_minta_nilai", nomor=item.ticket.number
                        )
        return []
