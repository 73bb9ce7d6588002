"""The category slot: a confident classification, a button, or a typed name."""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz, process
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import nlu
from actions.common import intent_name
from actions.report.common import requested
from knowledge.categories import all_categories, get_category
from nlu.config import fallback_threshold


def match_category_label(text: str) -> str | None:
    """A category typed by name while the bot asks for one ("sampah", "lampu jalan")."""
    choices = {c.id: f"{c.id.replace('_', ' ')} {c.label}".casefold() for c in all_categories()}
    best = process.extractOne(text.casefold(), choices, scorer=fuzz.partial_ratio)
    if best and best[1] >= 85:
        return str(best[2])
    return None


def classified_category(text: str, min_confidence: float | None = None) -> str | None:
    """The category the classifier gives `text` with at least `min_confidence`
    (default: the fallback threshold) on its top label."""
    parsed = nlu.parse(text)
    full = str(parsed.get("full_retrieval_intent") or "")
    threshold = fallback_threshold() if min_confidence is None else min_confidence
    if full.startswith("lapor/") and float(parsed.get("confidence") or 0) >= threshold:
        category = full.split("/", 1)[1]
        return category if get_category(category) else None
    return None


def category_of_text(text: str) -> str | None:
    """The category a short text names ("lampu jalan", "banjir"): the classifier's
    confident reading, else a category typed by its name."""
    return classified_category(text) or match_category_label(text)


def extract(tracker: Tracker) -> dict[str, Any]:
    message = tracker.latest_message
    intent = intent_name(tracker)
    if intent == "pilih_kategori":
        chosen = next(tracker.get_latest_entity_values("kategori"), None)
        if chosen and get_category(str(chosen)):
            return {"kategori": str(chosen)}
        return {}
    if tracker.get_slot("kategori") and requested(tracker) != "kategori":
        return {}
    full = message.get("full_retrieval_intent")
    if (
        intent == "lapor"
        and full
        # The same tuned threshold applies to the category's own confidence.
        and float(message.get("confidence") or 0) >= fallback_threshold()
    ):
        return {"kategori": full.split("/", 1)[1]}
    text = message.get("text") or ""
    if requested(tracker) == "kategori" and text and not text.startswith("/"):
        matched = match_category_label(text)
        if matched:
            return {"kategori": matched}
    return {}


def validate(value: Any, dispatcher: CollectingDispatcher) -> dict[str, Any]:
    if value and get_category(str(value)):
        return {"kategori": str(value)}
    dispatcher.utter_message(response="utter_kategori_tidak_dikenal")
    return {"kategori": None}
