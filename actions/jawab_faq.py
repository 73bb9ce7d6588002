"""Answer service questions from the cited knowledge base (knowledge/faq/*.yml)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from knowledge.answer import (
    DETAIL_INTENT,
    detail_payload,
    detail_responses,
    detail_variables,
    summary_response,
    summary_variables,
)
from knowledge.faq import Topic, get_topic
from knowledge.intents import intent_title

FAQ_INTENT = "faq"


def utter_topic(dispatcher: CollectingDispatcher, topic: Topic) -> None:
    """The short answer, with a "Detail" button for the rest (and the topic's
    related actions, e.g. "Cari MPP terdekat")."""
    buttons = [
        {"title": intent_title(label) or label, "payload": f"/{label}"}
        for label in (DETAIL_INTENT, *topic.related)
    ]
    buttons[0]["payload"] = detail_payload(topic)
    dispatcher.utter_message(
        response=summary_response(topic), buttons=buttons, **summary_variables(topic)
    )


def topic_of_message(tracker: Tracker) -> str | None:
    """The topic of a `faq/<topic>` message, from the NLU's response selector."""
    message = tracker.latest_message
    full = message.get("full_retrieval_intent") or ""
    if not full:
        selector = (message.get("response_selector") or {}).get(FAQ_INTENT) or {}
        full = (selector.get("response") or {}).get("intent_response_key") or ""
    intent, _, topic = str(full).partition("/")
    return topic if intent == FAQ_INTENT and topic else None


class ActionJawabFaq(Action):
    def name(self) -> str:
        return "action_jawab_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        topic_id = topic_of_message(tracker)
        topic = get_topic(topic_id) if topic_id else None
        if topic is None:
            dispatcher.utter_message(response="utter_faq_topik_tidak_dikenal")
            return []
        utter_topic(dispatcher, topic)
        return []


class ActionFaqDetail(Action):
    def name(self) -> str:
        return "action_faq_detail"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        topic_id = next(tracker.get_latest_entity_values("topik"), None)
        topic = get_topic(str(topic_id)) if topic_id else None
        if topic is None:
            dispatcher.utter_message(response="utter_faq_topik_tidak_dikenal")
            return []
        variables = detail_variables(topic)
        for response in detail_responses(topic):
            dispatcher.utter_message(response=response, **variables)
        return []
