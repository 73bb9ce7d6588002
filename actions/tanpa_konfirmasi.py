"""A yes or no with nothing to confirm. It may be a service question the classifier
read as "no": a follow-up ("itu bayar gak?") or a change of mind that names the
service ("gak jadi, mau tanya sim aja"); then that is answered."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.bantuan import CLEAR
from actions.jawab_faq import answer_service_question


class ActionTanpaKonfirmasi(Action):
    def name(self) -> str:
        return "action_tanpa_konfirmasi"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        answered = answer_service_question(dispatcher, tracker, accept=CLEAR)
        if answered is not None:
            return answered
        dispatcher.utter_message(response="utter_tidak_ada_konfirmasi")
        return []
