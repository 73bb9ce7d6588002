"""Several problems in one message ("jalan rusak, lampu mati, sampah numpuk"): the
first is the report, the others are offered after its ticket with the same location
(slot `masalah_lain`, button /lapor_lain{"kategori": ...})."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import intent_name
from actions.report.category import classified_category, match_category_label
from actions.report.common import MIN_DESCRIPTION_CHARS, requested
from knowledge.categories import get_category
from nlu.clauses import split_clauses

SLOT = "masalah_lain"
OTHER_PROBLEM_INTENT = "lapor_lain"
# A clause counts as a problem of its own only when the classifier is this sure of
# it (or it names a category): a stray clause must not become a second report.
MIN_CLAUSE_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Problem:
    category: str
    text: str  # the clause that names it


def problems_in(text: str) -> list[Problem]:
    """The problems of distinct categories `text` names, in order; [] when fewer than two."""
    found: dict[str, str] = {}
    clauses = split_clauses(text)
    if len(clauses) < 2:
        return []
    for clause in clauses:
        category = classified_category(clause, MIN_CLAUSE_CONFIDENCE) or match_category_label(
            clause
        )
        if category and category not in found:
            found[category] = clause
    return [Problem(c, t) for c, t in found.items()] if len(found) > 1 else []


def opens_report(tracker: Tracker) -> bool:
    """The message starts a report that was classified as a complaint."""
    return (
        intent_name(tracker) == "lapor"
        and requested(tracker) is None
        and tracker.get_slot("kategori") is None
    )


def first_of_several(tracker: Tracker) -> dict[str, Any]:
    """The category of the first problem when the opening message names several."""
    if not opens_report(tracker):
        return {}
    found = problems_in(str(tracker.latest_message.get("text") or ""))
    return {"kategori": found[0].category} if found else {}


def others_events(tracker: Tracker) -> list[dict[str, Any]]:
    """At the opening message: the problems after the first, kept for the offer."""
    text = str(tracker.latest_message.get("text") or "")
    others = problems_in(text)[1:]
    entries = [
        {"kategori": p.category, "teks": p.text, "deskripsi": _description(p.text, text)}
        for p in others
    ]
    return [SlotSet(SLOT, entries or None)]


def _description(clause: str, whole: str) -> str:
    """The clause about the problem, or the whole message when the clause is too short."""
    return clause if len(clause) >= MIN_DESCRIPTION_CHARS and len(clause.split()) >= 2 else whole


def chosen_entry(tracker: Tracker) -> dict[str, Any] | None:
    """The offered problem a /lapor_lain button names (with its location)."""
    if intent_name(tracker) != OTHER_PROBLEM_INTENT:
        return None
    chosen = next(tracker.get_latest_entity_values("kategori"), None)
    entries = tracker.get_slot(SLOT) or []
    return next((e for e in entries if e.get("kategori") == chosen and e.get("lokasi")), None)


def prefill(tracker: Tracker) -> dict[str, Any]:
    """The new report of a chosen problem: its category, description and location."""
    entry = chosen_entry(tracker)
    if entry is None or requested(tracker) is not None:
        return {}
    return {
        "kategori": entry["kategori"],
        "deskripsi": entry["deskripsi"],
        "lokasi": entry["lokasi"],
    }


def remaining_events(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    """A chosen problem's report begins: said so; the offered problems left are kept."""
    entry = chosen_entry(tracker)
    category = get_category(str(entry.get("kategori"))) if entry else None
    if category is not None:
        dispatcher.utter_message(response="utter_laporan_lain", kategori_label=category.label)
    entries = [e for e in tracker.get_slot(SLOT) or [] if e != entry]
    return [SlotSet(SLOT, entries or None)]


def offer(dispatcher: CollectingDispatcher, tracker: Tracker, lokasi: Any) -> list[dict[str, Any]]:
    """After a ticket: offer the other problems of its first message, with its location."""
    entries = [e for e in tracker.get_slot(SLOT) or [] if get_category(str(e.get("kategori")))]
    if not entries:
        return []
    buttons = []
    for entry in entries:
        category = get_category(entry["kategori"])
        assert category is not None
        payload = f'/{OTHER_PROBLEM_INTENT}{{"kategori": "{category.id}"}}'
        buttons.append({"title": category.label, "payload": payload})
    dispatcher.utter_message(
        response="utter_masalah_lain",
        daftar=", ".join(str(e["teks"]) for e in entries),
        buttons=buttons,
    )
    return [SlotSet(SLOT, [{**e, "lokasi": lokasi} for e in entries])]
