"""A citizen shares their own phone number (contact card): keep it for the operators."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import split_sender
from core.db import current_session
from nlu.entities import PHONE, extract_entities, mask_pii
from tickets.service import set_contact_phone


def indonesian_phone(raw: str) -> str | None:
    """E.164 form of an Indonesian number, or None (foreign or malformed)."""
    return next((e["value"] for e in extract_entities(raw) if e["entity"] == PHONE), None)


class ActionSimpanKontak(Action):
    def name(self) -> str:
        return "action_simpan_kontak"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        raw = next(tracker.get_latest_entity_values(PHONE), None)
        phone = indonesian_phone(str(raw)) if raw else None
        if phone is None:
            dispatcher.utter_message(response="utter_kontak_tidak_valid")
            return []
        channel, user_key = split_sender(tracker)
        with current_session() as session:
            set_contact_phone(session=session, channel=channel, user_key=user_key, phone=phone)
        # Masked on screen too: the chat may be seen by others.
        dispatcher.utter_message(response="utter_kontak_disimpan", nomor=mask_pii(phone))
        return []
