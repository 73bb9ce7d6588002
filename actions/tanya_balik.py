"""Ask back instead of guessing when the NLU is unsure (intent nlu_fallback)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from knowledge.intents import intent_title

MAX_CANDIDATES = 3
# Candidates less likely than this are noise, not a plausible reading.
MIN_CANDIDATE_CONFIDENCE = 0.05


def payload_for(label: str) -> str:
    intent, _, sub = label.partition("/")
    if intent == "lapor":
        return f'/pilih_kategori{{"kategori": "{sub}"}}'
    return f"/{label}"


class ActionTanyaBalik(Action):
    def name(self) -> str:
        return "action_tanya_balik"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        buttons = []
        for ranked in tracker.latest_message.get("intent_ranking") or []:
            label = str(ranked.get("name") or "")
            title = intent_title(label)
            if title and float(ranked.get("confidence") or 0) >= MIN_CANDIDATE_CONFIDENCE:
                buttons.append({"title": title, "payload": payload_for(label)})
            if len(buttons) == MAX_CANDIDATES:
                break
        if not buttons:
            dispatcher.utter_message(response="utter_default")
            return []
        buttons.append({"title": "Bukan semuanya", "payload": "/out_of_scope"})
        dispatcher.utter_message(response="utter_tanya_balik", buttons=buttons)
        # Kept so a complaint chosen from these buttons keeps what the user wrote.
        return [SlotSet("teks_tertunda", tracker.latest_message.get("text"))]
