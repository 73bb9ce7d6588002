"""The help text, unless the message is a service question: "mau tanya soal sim
dong" names SIM (its overview), "caranya gimana?" right after a service answer
asks that service's steps."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.jawab_faq import answer_service_question

# How a service question was recognised that is clear enough to beat the help text.
CLEAR = ("named", "context")


class ActionBantuan(Action):
    def name(self) -> str:
        return "action_bantuan"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        answered = answer_service_question(dispatcher, tracker, accept=CLEAR)
        if answered is not None:
            return answered
        dispatcher.utter_message(response="utter_bantuan")
        return []
