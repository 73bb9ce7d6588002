"""A question typed at the category prompt is answered, never filed as a complaint;
the form then asks its question again. (Questions the classifier knows are an
interruption in rules.yml; these are the ones it was unsure of.)"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop
from rasa_sdk.executor import CollectingDispatcher

from actions.common import intent_name, reset_form_events
from actions.jawab_faq import answer_service_question
from actions.report.category import match_category_label
from actions.report.common import requested
from actions.tanya_balik import admit_not_knowing
from knowledge.facets import how_asked
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
    if answer_service_question(dispatcher, tracker) is None:
        admit_not_knowing(dispatcher, tracker, text, index.search(text))
    dispatcher.utter_message(response="utter_kembali_ke_laporan")
    return True


# The classifier's complaint intents a service question is sometimes taken for.
COMPLAINT_INTENTS = {"lapor", "lapor_umum"}


def service_question_opening(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[dict[str, Any]] | None:
    """A first message the classifier took for a complaint that is a service question:
    it names a service, asks a facet in so many words and reads as a question ("bpjs
    nunggak 6 bulan ada denda gak?", "pbg bisa full online lewat simbg?"). It is
    answered and no report is opened; None otherwise ("ktp saya ditahan, dimintai
    uang" names no facet in so many words, so it stays a complaint)."""
    text = str(tracker.latest_message.get("text") or "")
    if requested(tracker) is not None or intent_name(tracker) not in COMPLAINT_INTENTS:
        return None
    if not default_index().analyzer.looks_like_question(text):
        return None
    if not how_asked(text).strong:
        return None
    answered = answer_service_question(dispatcher, tracker, accept=("named",))
    if answered is None:
        return None
    return [*answered, ActiveLoop(None), *reset_form_events()]
