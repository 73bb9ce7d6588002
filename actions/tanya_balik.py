"""When the NLU is unsure (intent nlu_fallback): search the knowledge base, else ask
back with the likeliest meanings, else admit it and log the question."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.faq import utter_topic
from actions.pertanyaan import record_unanswered
from knowledge.faq import get_topic
from knowledge.intents import intent_title
from knowledge.retrieval import answerable, default_index

MAX_CANDIDATES = 3
# Candidates less likely than this are noise, not a plausible reading.
MIN_CANDIDATE_CONFIDENCE = 0.05
# Labels that mean "a complaint": for these the classifier's reading beats a
# knowledge-base hit ("ktp saya ditahan, dimintai uang" is pungli, not KTP info).
COMPLAINT_LABELS = ("lapor/", "lapor_umum")
NONE_OF_THESE = "tidak_terjawab"


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


class ActionTanyaBalik(Action):
    def name(self) -> str:
        return "action_tanya_balik"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        text = str(tracker.latest_message.get("text") or "")
        index = default_index()
        hits = index.search(text)
        best = answerable(hits)
        topic = get_topic(best.topic) if best else None
        if topic is not None and not _looks_like_complaint(tracker):
            dispatcher.utter_message(response="utter_faq_mungkin")
            utter_topic(dispatcher, topic)
            return []
        buttons = candidate_buttons(tracker)
        if not buttons:
            # A question we cannot answer is logged; gibberish just gets the help text.
            if hits or index.analyzer.looks_like_question(text):
                record_unanswered(dispatcher, tracker, text, hits[0] if hits else None)
            else:
                dispatcher.utter_message(response="utter_default")
            return []
        buttons.append({"title": intent_title(NONE_OF_THESE) or "", "payload": f"/{NONE_OF_THESE}"})
        dispatcher.utter_message(response="utter_tanya_balik", buttons=buttons)
        # Kept so a complaint chosen from these buttons keeps what the user wrote,
        # and "none of these" can log the question.
        return [SlotSet("teks_tertunda", text)]
