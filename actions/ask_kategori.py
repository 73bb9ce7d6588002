"""Ask for the category: the classifier's best guesses first when it was unsure."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import intent_name
from knowledge.categories import all_categories, get_category
from knowledge.intents import intent_title

# Offered next to the guessed categories; it asks for the full list.
OTHER_CATEGORY_INTENT = "pilih_kategori"
# The category for anything else (the region's operator triages it); offered
# with the guesses, so a citizen whose problem is none of them is not trapped.
OTHER_CATEGORY = "lainnya"


class ActionAskKategori(Action):
    def name(self) -> str:
        return "action_ask_kategori"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        ranking = tracker.latest_message.get("intent_ranking") or []
        guesses = [
            get_category(r["name"].split("/", 1)[1])
            for r in ranking
            if str(r.get("name", "")).startswith("lapor/")
        ]
        candidates = [c for c in guesses if c is not None and c.id != OTHER_CATEGORY][:3]
        if intent_name(tracker) == "lapor" and candidates:
            buttons = [category_button(c.id, c.label, c.short) for c in candidates]
            buttons.extend(other_category_buttons())
            buttons.append(
                {
                    "title": intent_title(OTHER_CATEGORY_INTENT) or "",
                    "payload": f"/{OTHER_CATEGORY_INTENT}",
                }
            )
            dispatcher.utter_message(response="utter_ask_kategori_kandidat", buttons=buttons)
            return []
        buttons = [category_button(c.id, c.label, c.short) for c in all_categories()]
        dispatcher.utter_message(response="utter_ask_kategori", buttons=buttons)
        return []


def category_button(category_id: str, label: str, short: str | None = None) -> dict[str, str]:
    button = {"title": label, "payload": f'/pilih_kategori{{"kategori": "{category_id}"}}'}
    if short and short != label:
        button["short"] = short  # for lists with short rows (WhatsApp: 24 characters)
    return button


def other_category_buttons() -> list[dict[str, str]]:
    """The "Lainnya" category as a button (none if the category list lacks it)."""
    other = get_category(OTHER_CATEGORY)
    return [category_button(other.id, other.label, other.short)] if other else []
