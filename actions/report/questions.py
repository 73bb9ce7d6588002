"""A question typed at the category prompt is answered, never filed as a complaint;
the form then asks its question again. (Questions the classifier knows are an
interruption in rules.yml; these are the ones it was unsure of.)"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import intent_name
from actions.report.category import match_category_label
from actions.report.common import requested
from actions.tanya_balik import admit_not_knowing, answer_from_knowledge
from knowledge.retrieval import default_index

UNSURE_INTENTS = {"nlu_fallback", "out_of_scope"}


def answer_at_category_prompt(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Answer the message if it is a question at the category prompt."""
    text = str(tracker.latest_message.get("text") or "")
    if (
        requested(tracker) != "kategori"
        or intent_name(tracker) not in UNSURE_INTENTS
        or not text
        or text.startswith("/")
        or match_category_label(text)
    ):
        return False
    index = default_index()
    if not index.analyzer.looks_like_question(text):
        return False
    # Inside the form the answer's topic is not kept for follow-ups: the next
    # message is the form's answer.
    if answer_from_knowledge(dispatcher, tracker) is None:
        admit_not_knowing(dispatcher, tracker, text, index.search(text))
    dispatcher.utter_message(response="utter_kembali_ke_laporan")
    return True
