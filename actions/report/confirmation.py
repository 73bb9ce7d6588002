"""The confirmation slot: "ya" files the report; "tidak" first asks whether to
cancel it ("Batalkan laporan ini?") instead of discarding it silently."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import intent_name, reset_form_events
from actions.report.common import FREE_TEXT_INTENTS, phrase_pattern, plain, requested

PENDING_CANCEL = "tanya_batal"
WORDS_FILE = Path(__file__).with_name("confirmation.yml")


@dataclass(frozen=True)
class _Words:
    yes: frozenset[str]
    max_other_words: int
    keep: re.Pattern[str]
    not_cancel: re.Pattern[str]


@cache
def _words() -> _Words:
    data = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    return _Words(
        yes=frozenset(str(w).lower() for w in data["yes_words"]),
        max_other_words=int(data["max_other_words"]),
        keep=phrase_pattern(data["keep_phrases"]),
        not_cancel=phrase_pattern(data["not_cancel"]),
    )


def _plain_text(tracker: Tracker) -> str:
    text = str(tracker.latest_message.get("text") or "")
    return "" if text.startswith("/") else plain(text)


def extra_detail(tracker: Tracker) -> bool:
    """A typed "yes" that says more ("iya udah 2 minggu, udah ada yg jatuh"): more of
    the description, not the answer; the summary is shown again."""
    if requested(tracker) != "konfirmasi" or intent_name(tracker) != "affirm":
        return False
    words = _words()
    others = [w for w in _plain_text(tracker).split() if w not in words.yes]
    return len(others) > words.max_other_words


def _keeps_report(tracker: Tracker) -> bool:
    """ "ga jadi batal", or "kirim aja" without a "batal" ("batal kirim" cancels)."""
    text = _plain_text(tracker)
    if _words().not_cancel.search(text):
        return True
    cancelling = any(w.startswith("batal") for w in text.split())
    return bool(_words().keep.search(text)) and not cancelling


def not_cancelling(tracker: Tracker) -> list[dict[str, Any]] | None:
    """ "ga jadi batal" while a report is filled in: the events that keep it (and send
    it, when "Batalkan laporan ini?" was asked); None when the text says no such thing."""
    if not _words().not_cancel.search(_plain_text(tracker)):
        return None
    if tracker.get_slot(PENDING_CANCEL):
        return [SlotSet(PENDING_CANCEL, None), SlotSet("konfirmasi", True)]
    return []


def extract(tracker: Tracker, dispatcher: CollectingDispatcher) -> dict[str, Any]:
    if requested(tracker) != "konfirmasi":
        return {}
    intent = intent_name(tracker)
    if extra_detail(tracker):
        return {}  # description.py adds it
    if intent == "affirm":
        return {"konfirmasi": True}
    if intent == "kirim_foto" or intent in FREE_TEXT_INTENTS:
        return {}  # a photo or more detail (photos.py, description.py), not an answer
    dispatcher.utter_message(response="utter_ask_konfirmasi_ulang")
    return {}


def cancel_question(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> tuple[list[dict[str, Any]], bool]:
    """Events of a "tidak" at the summary or of the answer to "Batalkan laporan ini?",
    and whether the turn is done with them (False: the form goes on as usual)."""
    if requested(tracker) != "konfirmasi":
        return [], False
    intent = intent_name(tracker)
    if tracker.get_slot(PENDING_CANCEL):
        if _keeps_report(tracker):  # "ga jadi batal, kirim aja": sent as it is
            return [SlotSet(PENDING_CANCEL, None), SlotSet("konfirmasi", True)], True
        if intent == "affirm":  # "ya": cancel it
            dispatcher.utter_message(response="utter_batal")
            return [ActiveLoop(None), *reset_form_events()], True
        if intent == "deny":  # "tidak": keep it and change something
            dispatcher.utter_message(response="utter_pilih_ubah")
            return [SlotSet(PENDING_CANCEL, None)], True
        return [SlotSet(PENDING_CANCEL, None)], False
    if intent == "deny":  # action_ask_konfirmasi asks "Batalkan laporan ini?"
        return [SlotSet(PENDING_CANCEL, True)], True
    return [], False
