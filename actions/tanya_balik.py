"""Messages the NLU could not place: unsure (nlu_fallback) or out of scope."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.ask_kategori import other_category_buttons
from actions.jawab_faq import ALL_HOWS, answer_service_question
from actions.tidak_terjawab import record_unanswered
from knowledge.facets import how_asked
from knowledge.intents import intent_title
from knowledge.retrieval import Hit, default_index

MAX_CANDIDATES = 3
# Candidates less likely than this are noise, not a plausible reading.
MIN_CANDIDATE_CONFIDENCE = 0.05
# Labels that mean "a complaint": for these the classifier's reading beats a
# knowledge-base hit ("ktp saya ditahan, dimintai uang" is pungli, not KTP info).
COMPLAINT_LABELS = ("lapor/", "lapor_umum")
NONE_OF_THESE = "tidak_terjawab"
# At most this many words: a follow-up, not a complaint.
SHORT_FOLLOW_UP_WORDS = 6


def payload_for(label: str) -> str:
    intent, _, sub = label.partition("/")
    if intent == "lapor":
        return f'/pilih_kategori{{"kategori": "{sub}"}}'
    return f"/{label}"


def candidate_buttons(tracker: Tracker) -> list[dict[str, str]]:
    buttons = []
    for ranked in tracker.latest_message.get("intent_ranking") or []:
        label = str(ranked.get("name") or "")
        title = intent_title(label)
        if title and float(ranked.get("confidence") or 0) >= MIN_CANDIDATE_CONFIDENCE:
            buttons.append({"title": title, "payload": payload_for(label)})
        if len(buttons) == MAX_CANDIDATES:
            break
    return buttons


def _looks_like_complaint(tracker: Tracker) -> bool:
    ranking = tracker.latest_message.get("intent_ranking") or []
    top = str(ranking[0].get("name") or "") if ranking else ""
    return top.startswith(COMPLAINT_LABELS)


def admit_not_knowing(
    dispatcher: CollectingDispatcher, tracker: Tracker, text: str, hits: list[Hit]
) -> None:
    """A question we cannot answer is logged and may go to an operator; gibberish
    and small talk just get the help text."""
    if hits or default_index().analyzer.looks_like_question(text):
        record_unanswered(dispatcher, tracker, text, hits[0] if hits else None)
    else:
        dispatcher.utter_message(response="utter_default")


class ActionTanyaBalik(Action):
    """nlu_fallback: search the knowledge base, else ask back, else admit it."""

    def name(self) -> str:
        return "action_tanya_balik"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        text = str(tracker.latest_message.get("text") or "")
        # A complaint-like guess still yields to a short follow-up of the service just
        # answered ("bisa ngurus dari hp gak?"): a complaint says more than that.
        # ... unless it names the facet outright ("dendanya berapa kalau nunggak").
        short = len(text.split()) <= SHORT_FOLLOW_UP_WORDS or how_asked(text).strong
        if not _looks_like_complaint(tracker):
            accept: tuple[str, ...] = ALL_HOWS
        else:
            accept = ("context",) if short else ()
        answered = answer_service_question(dispatcher, tracker, accept=accept)
        if answered is not None:
            return answered
        hits = default_index().search(text)
        buttons = candidate_buttons(tracker)
        if not buttons:
            admit_not_knowing(dispatcher, tracker, text, hits)
            return []
        if any(b["payload"].startswith("/pilih_kategori") for b in buttons):
            buttons.extend(other_category_buttons())  # a complaint, but none of these kinds
        buttons.append({"title": intent_title(NONE_OF_THESE) or "", "payload": f"/{NONE_OF_THESE}"})
        dispatcher.utter_message(response="utter_tanya_balik", buttons=buttons)
        # Kept so a complaint chosen from these buttons keeps what the user wrote,
        # and "none of these" can log the question.
        return [SlotSet("teks_tertunda", text)]


class ActionDiLuarCakupan(Action):
    """out_of_scope: a service question the classifier does not know may still be in
    the knowledge base; otherwise it is logged like any unanswered question."""

    def name(self) -> str:
        return "action_di_luar_cakupan"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        text = str(tracker.latest_message.get("text") or "")
        answered = answer_service_question(dispatcher, tracker)
        if answered is not None:
            return answered
        admit_not_knowing(dispatcher, tracker, text, default_index().search(text))
        return []
