"""Questions the bot cannot answer: log them for content editors, offer an operator
(a handoff request, tickets.handoff) only when someone could answer."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import split_sender
from actions.minta_petugas import ask_for_person, request_region, tell_outcome
from core.db import current_session
from knowledge.retrieval import Hit
from knowledge.unanswered import log_unanswered, request_forward
from tickets.handoff import staff_reachable


def record_unanswered(
    dispatcher: CollectingDispatcher, tracker: Tracker, text: str, best: Hit | None
) -> None:
    """Log the question and tell the citizen, offering to forward it."""
    channel, user_key = split_sender(tracker)
    with current_session() as session:
        log_unanswered(
            session=session,
            channel=channel,
            user_key=user_key,
            text=text,
            best_topic=best.topic if best else None,
            best_score=best.score if best else None,
        )
        region = request_region(tracker, session)
        reachable = staff_reachable(session=session, region_code=region)
    dispatcher.utter_message(
        response="utter_tidak_tahu" if reachable else "utter_tidak_tahu_tanpa_petugas"
    )


class ActionTidakTerjawab(Action):
    """ "None of these" after a did-you-mean question: the pending text goes to the log."""

    def name(self) -> str:
        return "action_tidak_terjawab"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        text = tracker.get_slot("teks_tertunda")
        if not text:
            dispatcher.utter_message(response="utter_default")
            return []
        record_unanswered(dispatcher, tracker, str(text), None)
        return [SlotSet("teks_tertunda", None)]


class ActionTeruskanPertanyaan(Action):
    def name(self) -> str:
        return "action_teruskan_pertanyaan"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        channel, user_key = split_sender(tracker)
        with current_session() as session:
            question = request_forward(session=session, channel=channel, user_key=user_key)
            if question is None:
                dispatcher.utter_message(response="utter_tidak_ada_pertanyaan")
                return []
            result = ask_for_person(tracker, session, [question.text])
            tell_outcome(dispatcher, result, "utter_pertanyaan_diteruskan")
        return []
