"""A yes or no with nothing to confirm. It may be a service question the classifier
read as "no": a follow-up ("itu bayar gak?") or a change of mind that names the
service ("gak jadi, mau tanya sim aja"); then that is answered."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.jawab_faq import choose_for, utter_choice


class ActionTanpaKonfirmasi(Action):
    def name(self) -> str:
        return "action_tanpa_konfirmasi"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        choice = choose_for(tracker, nlu_topic=None)
        if choice.topic is not None and choice.how in ("context", "named"):
            return utter_choice(dispatcher, choice)
        dispatcher.utter_message(response="utter_tidak_ada_konfirmasi")
        return []
