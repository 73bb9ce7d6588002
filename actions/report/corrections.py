"""Corrections inside the complaint form: "Ubah lokasi" (a button), "ganti lokasinya",
"fotonya salah", "eh bukan, maksud saya lampu jalan". A changed part is cleared so
the form asks it again (a named category is set at once); the other parts stay.
The words are data (actions/report/corrections.yml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.ask_cek_serupa import NONE_NEARBY, nearby_numbers
from actions.common import intent_name
from actions.report.category import category_of_text
from actions.report.common import MAX_DESCRIPTION_CHARS, phrase_pattern, requested
from actions.report.common import plain as _plain
from actions.report.confirmation import PENDING_CANCEL
from knowledge.categories import get_category

WORDS_FILE = Path(__file__).with_name("corrections.yml")
CHANGE_INTENT = "ubah"
PART_ENTITY = "bagian"
# Words after "maksud saya" beyond which a correction also describes the problem.
DETAIL_WORDS = 4
# The slots a correction clears, by the part changed: a new category or location
# also needs a new look for similar reports (of that category, near that place).
CLEARED = {
    "kategori": ("kategori", "cek_serupa", "tiket_serupa"),
    "deskripsi": ("deskripsi",),
    "lokasi": ("lokasi", "cek_serupa", "tiket_serupa"),
    "foto": ("foto",),
}
# Openers that deny the category named right after them ("bukan sampah").
_NEGATIONS = {"bukan", "salah", "keliru", "ralat", "koreksi"}


@dataclass(frozen=True)
class Correction:
    part: str | None  # the part to ask again; None: the citizen did not say which
    category: str | None = None  # the category meant, when the correction names it
    # The correction also tells more of the problem ("eh bukan, maksudnya jalannya
    # juga rusak parah bolong2"): its text joins the description.
    detail: bool = False


@dataclass(frozen=True)
class _Words:
    parts: dict[str, re.Pattern[str]]
    change: re.Pattern[str]
    not_corrections: re.Pattern[str]
    openers: re.Pattern[str]
    markers: re.Pattern[str]
    max_words: int


@cache
def _words() -> _Words:
    data = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    return _Words(
        parts={part: phrase_pattern(words) for part, words in data["parts"].items()},
        change=phrase_pattern(data["change_words"]),
        not_corrections=phrase_pattern(data["not_corrections"]),
        openers=re.compile(rf"^(?:{phrase_pattern(data['openers']).pattern})"),
        markers=phrase_pattern(data["markers"]),
        max_words=int(data["max_words"]),
    )


def _part_named(plain: str) -> str | None:
    return next((part for part, pattern in _words().parts.items() if pattern.search(plain)), None)


def _category_meant(plain: str, current: str | None) -> Correction | None:
    """ "bukan sampah tapi banjir" -> banjir; "bukan sampah" (the current one) ->
    ask the category again; None when the message opens no correction."""
    words = _words()
    opener = words.openers.match(plain)
    if opener is None:
        return None
    markers = list(words.markers.finditer(plain, opener.end()))
    start = markers[-1].end() if markers else opener.end()
    meant = category_of_text(plain[start:]) if plain[start:].strip() else None
    if meant is None:
        return None
    if meant != current:
        return Correction("kategori", meant, len(plain[start:].split()) >= DETAIL_WORDS)
    negated = not markers and opener.group().split()[-1] in _NEGATIONS
    return Correction("kategori") if negated else None


def find_correction(tracker: Tracker) -> Correction | None:
    """The correction the latest message asks for, if it is one."""
    intent = intent_name(tracker)
    text = str(tracker.latest_message.get("text") or "")
    if text.startswith("/"):
        if intent != CHANGE_INTENT:
            return None
        part = next(tracker.get_latest_entity_values(PART_ENTITY), None)
        return Correction(str(part) if part in CLEARED else None)
    plain = _plain(text)
    words = _words()
    if not plain or len(plain.split()) > words.max_words or words.not_corrections.search(plain):
        return None
    part = _part_named(plain)
    changing = bool(words.change.search(plain) or words.openers.match(plain))
    if part in ("deskripsi", "lokasi", "foto") and (changing or intent == CHANGE_INTENT):
        return Correction(part)
    meant = _category_meant(plain, tracker.get_slot("kategori"))
    if meant is not None:
        return meant
    if part == "kategori" and (changing or intent == CHANGE_INTENT):
        return Correction("kategori")
    # "ada yang salah": a change, of a part not named (an opener alone is not one).
    return Correction(None) if words.change.search(plain) or intent == CHANGE_INTENT else None


def apply(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]] | None:
    """The events of the correction the message asks for; None when it asks none."""
    if requested(tracker) is None:  # the message that opens the report
        return None
    correction = find_correction(tracker)
    if correction is None:
        return None
    done = SlotSet(PENDING_CANCEL, None)
    category = get_category(correction.category or "")
    if category is not None:
        dispatcher.utter_message(response="utter_kategori_diganti", kategori_label=category.label)
        lokasi = tracker.get_slot("lokasi")
        events = [SlotSet("kategori", category.id), *nearby_again(tracker, category.id, lokasi)]
        current = str(tracker.get_slot("deskripsi") or "")
        text = str(tracker.latest_message.get("text") or "").strip()
        added = f"{current}\n{text}"
        fits = len(added) <= MAX_DESCRIPTION_CHARS
        if correction.detail and current and text not in current and fits:
            events.append(SlotSet("deskripsi", added))
        return [*events, done]
    if correction.part is not None:
        return [*(SlotSet(slot, None) for slot in CLEARED[correction.part]), done]
    if requested(tracker) == "konfirmasi":  # "ada yang salah": the summary again
        dispatcher.utter_message(response="utter_pilih_ubah")
        return [done]
    return None


def nearby_again(tracker: Tracker, category: str, lokasi: Any) -> list[dict[str, Any]]:
    """Similar reports near the location, looked up again for a changed category
    (only for a real pin, as when the location was given)."""
    if not isinstance(lokasi, dict):
        return []
    try:
        lat, lon = float(lokasi["latitude"]), float(lokasi["longitude"])
    except (KeyError, TypeError, ValueError):
        return []
    if lokasi.get("source", "pin") != "pin":
        return [SlotSet("tiket_serupa", None), SlotSet("cek_serupa", NONE_NEARBY)]
    nearby = nearby_numbers(tracker, category, lat, lon)
    return [SlotSet("tiket_serupa", nearby), SlotSet("cek_serupa", None if nearby else NONE_NEARBY)]
