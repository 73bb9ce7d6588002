"""The category slot: a confident classification, a button, or a typed name."""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz, process
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

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
