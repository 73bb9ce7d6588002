"""Similar open reports near the new one: offer to support one instead ("dukung").

Used by the complaint form between the location and the photo: validate_lokasi
stores the nearby ticket numbers in `tiket_serupa` (or marks `cek_serupa`
"tidak_ada"), action_ask_cek_serupa offers them, and the citizen either supports
one (the form ends, no new ticket) or files a new report.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import sender_phone, split_sender
from core.db import current_session
from knowledge.intents import intent_title
from tickets.duplicates import add_supporter, nearby_open_tickets
from tickets.service import find_citizen, get_or_create_citizen, get_ticket_by_number
from tickets.statuses import status_label

NONE_NEARBY = "tidak_ada"
NEW_REPORT = "baru"
SUPPORT_PREFIX = "dukung:"
SUPPORT_INTENT = "dukung"
NEW_REPORT_INTENT = "buat_baru"


def nearby_numbers(tracker: Tracker, category: str, lat: float, lon: float) -> list[dict[str, Any]]:
    """Open tickets of the category near the pin (not the citizen's own)."""
    channel, user_key = split_sender(tracker)
    with current_session() as session:
        citizen = find_citizen(session=session, channel=channel, user_key=user_key)
        nearby = nearby_open_tickets(
            session=session, category=category, latitude=lat, longitude=lon,
            exclude_citizen_id=citizen.id if citizen else None,
        )  # fmt: skip
        return [
            {"nomor": t.number, "status": status_label(t.status), "jarak_m": round(metres)}
            for t, metres in nearby
        ]


def support(tracker: Tracker, number: str) -> bool:
    """Add the sender as a supporter of `number`; False if not possible."""
    channel, user_key = split_sender(tracker)
    with current_session() as session:
        ticket = get_ticket_by_number(session=session, number=number)
        if ticket is None:
            return False
        citizen = get_or_create_citizen(
            session=session, channel=channel, user_key=user_key, phone=sender_phone(tracker)
        )
        add_supporter(session=session, ticket=ticket, citizen=citizen)
        return True


def choice_from_message(tracker: Tracker, intent: str | None) -> str | None:
    if intent == SUPPORT_INTENT:
        number = next(tracker.get_latest_entity_values("nomor"), None)
        offered = [item["nomor"] for item in tracker.get_slot("tiket_serupa") or []]
        if number in offered:
            return f"{SUPPORT_PREFIX}{number}"
    if intent == NEW_REPORT_INTENT:
        return NEW_REPORT
    return None


class ActionAskCekSerupa(Action):
    def name(self) -> str:
        return "action_ask_cek_serupa"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        nearby = tracker.get_slot("tiket_serupa") or []
        lines = "\n".join(f"• {t['nomor']} · {t['status']} · {t['jarak_m']} m" for t in nearby)
        support_title = intent_title(SUPPORT_INTENT) or SUPPORT_INTENT
        buttons = [
            {"title": f"{support_title} {t['nomor']}",
             "payload": f'/{SUPPORT_INTENT}{{"nomor": "{t["nomor"]}"}}'}
            for t in nearby
        ]  # fmt: skip
        buttons.append(
            {"title": intent_title(NEW_REPORT_INTENT) or "", "payload": f"/{NEW_REPORT_INTENT}"}
        )
        dispatcher.utter_message(response="utter_ask_cek_serupa", daftar=lines, buttons=buttons)
        return []
