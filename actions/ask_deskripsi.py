"""Ask for the description, naming the chosen category."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from knowledge.categories import get_category


class ActionAskDeskripsi(Action):
    def name(self) -> str:
        return "action_ask_deskripsi"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        category = get_category(tracker.get_slot("kategori") or "")
        label = category.label.lower() if category else ""
        dispatcher.utter_message(response="utter_ask_deskripsi", kategori_label=label)
        return []
