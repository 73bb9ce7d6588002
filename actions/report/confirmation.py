"""The confirmation slot: "ya" files the report; "tidak" first asks whether to
cancel it ("Batalkan laporan ini?") instead of discarding it silently."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import intent_name, reset_form_events
from actions.report.common import requested

PENDING_CANCEL = "tanya_batal"


def extract(tracker: Tracker, dispatcher: CollectingDispatcher) -> dict[str, Any]:
    if requested(tracker) != "konfirmasi":
        return {}
    intent = intent_name(tracker)
    if intent == "affirm":
        return {"konfirmasi": True}
    if intent == "kirim_foto":  # one more photo (the photo slot takes it), not an answer
        return {}
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
