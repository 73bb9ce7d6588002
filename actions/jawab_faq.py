"""Answer service questions from the cited knowledge base (knowledge/faq/*.yml):
the facet asked, about the topic asked or the one the chat is about."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecutionRejected, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from knowledge.answer import SOURCES_FACET, answer
from knowledge.facets import asked_facet, facet_book
from knowledge.faq import get_topic
from knowledge.retrieval import default_index
from knowledge.topic_choice import Choice, choose

FAQ_INTENT = "faq"
# The topic and facet last answered: a follow-up ("terus biayanya?") is about them.
TOPIC_SLOT = "topik_faq"
FACET_SLOT = "aspek_faq"
# A follow-up counts within this many messages after the answer.
FOLLOW_UP_TURNS = 3
# Every way `knowledge.topic_choice` recognises a service question.
ALL_HOWS = ("named", "context", "nlu", "search")


def topic_of_message(tracker: Tracker) -> str | None:
    """The topic of a `faq/<topic>` message, from the NLU's response selector."""
    message = tracker.latest_message
    full = message.get("full_retrieval_intent") or ""
    if not full:
        selector = (message.get("response_selector") or {}).get(FAQ_INTENT) or {}
        full = (selector.get("response") or {}).get("intent_response_key") or ""
    intent, _, topic = str(full).partition("/")
    return topic if intent == FAQ_INTENT and topic else None


def recent_topic(tracker: Tracker) -> tuple[str | None, str | None]:
    """(topic, facet) answered within the last FOLLOW_UP_TURNS messages, else Nones.
    Counted in the tracker's events, so a long form in between ends the context."""
    topic = tracker.get_slot(TOPIC_SLOT)
    if not topic:
        return None, None
    messages = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            messages += 1
        elif event.get("event") == "slot" and event.get("name") == TOPIC_SLOT:
            if messages <= FOLLOW_UP_TURNS:
                return str(topic), tracker.get_slot(FACET_SLOT)
            break
    return None, None


def utter_choice(dispatcher: CollectingDispatcher, choice: Choice) -> list[dict[str, Any]]:
    """Answer the chosen topic and facet; the slots remember them for follow-ups."""
    assert choice.topic is not None
    reply = answer(choice.topic, choice.facet, sources=choice.sources)
    dispatcher.utter_message(response=reply.response, buttons=reply.buttons, **reply.variables)
    facet = None if choice.sources or choice.facet == SOURCES_FACET else choice.facet
    return [SlotSet(TOPIC_SLOT, choice.topic.id), SlotSet(FACET_SLOT, facet)]


def choose_for(tracker: Tracker, *, nlu_topic: str | None) -> Choice:
    topic, facet = recent_topic(tracker)
    text = str(tracker.latest_message.get("text") or "")
    return choose(text, nlu_topic=nlu_topic, recent_topic=topic, recent_facet=facet)


def answer_service_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, *, accept: Collection[str] = ALL_HOWS
) -> list[dict[str, Any]] | None:
    """Answer the message if it is a service question recognised in one of the
    `accept`ed ways (Choice.how: named, context, nlu, search); its events, or None.
    A search hit is said to be a guess."""
    choice = choose_for(tracker, nlu_topic=None)
    if choice.topic is None or choice.how not in accept:
        return None
    if choice.how == "search":
        dispatcher.utter_message(response="utter_faq_mungkin")
    return utter_choice(dispatcher, choice)


def ask_which_topic(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """A facet asked of no topic ("biayanya berapa?" out of the blue): ask which."""
    facet = asked_facet(str(tracker.latest_message.get("text") or ""))
    if facet is None:
        return False
    label = facet_book().get(facet).label
    dispatcher.utter_message(
        response="utter_faq_tanya_topik", aspek=label, aspek_kecil=label.lower()
    )
    return True


def _asks(tracker: Tracker) -> bool:
    """Whether the message reads as a question: a facet, a "?" or a question word."""
    text = str(tracker.latest_message.get("text") or "")
    return asked_facet(text) is not None or default_index().analyzer.looks_like_question(text)


class ActionJawabFaq(Action):
    """`faq/<topic>` and `tanya_lanjutan` (a facet asked of the topic being discussed)."""

    def name(self) -> str:
        return "action_jawab_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        choice = choose_for(tracker, nlu_topic=topic_of_message(tracker))
        if tracker.active_loop_name and choice.how == "nlu" and not _asks(tracker):
            # In the middle of a report, a guess of the classifier that is no question
            # ("kel. way halim permai, kec. way halim") is the report's answer.
            return [ActionExecutionRejected(self.name())]
        if choice.topic is not None:
            return utter_choice(dispatcher, choice)
        if not ask_which_topic(dispatcher, tracker):
            # Nothing to attach it to and no facet either ("bisa apa aja?"): the help.
            dispatcher.utter_message(response="utter_bantuan")
        return []


class ActionFaqDetail(Action):
    """A facet or the sources of a topic, from a button (`/faq_detail{"topik": ...,
    "aspek": ...}`); without a topic, the one being discussed."""

    def name(self) -> str:
        return "action_faq_detail"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        topic_id = next(tracker.get_latest_entity_values("topik"), None) or recent_topic(tracker)[0]
        topic = get_topic(str(topic_id)) if topic_id else None
        if topic is None:
            dispatcher.utter_message(response="utter_faq_topik_tidak_dikenal")
            return []
        facet = next(tracker.get_latest_entity_values("aspek"), None)
        if facet is not None and facet != SOURCES_FACET and facet not in facet_book().ids:
            facet = None
        return utter_choice(dispatcher, Choice(topic, facet, sources=facet == SOURCES_FACET))
