"""Cancel the report being filled in."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import reset_form_events


class ActionBatal(Action):
    def name(self) -> str:
        return "action_batal"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if not tracker.active_loop:
            if tracker.get_slot("foto_tertunda"):  # photos sent for a report not begun
                dispatcher.utter_message(response="utter_foto_tertunda_dibatalkan")
                return [SlotSet("foto_tertunda", None)]
            dispatcher.utter_message(response="utter_tidak_ada_yang_dibatalkan")
            return []
        dispatcher.utter_message(response="utter_batal")
        return [ActiveLoop(None), *reset_form_events()]
