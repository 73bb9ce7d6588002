"""The description slot: the complaint's own text, and more text sent while the
form asks something else ("udah 3 hari")."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.ask_cek_serupa import NEW_REPORT_INTENT, SUPPORT_INTENT
from actions.common import intent_name, previous_action
from actions.report.common import MAX_DESCRIPTION_CHARS, MIN_DESCRIPTION_CHARS, requested
from actions.report.typed_location import claims_text
from nlu.emergency import is_emergency

# Messages that carry no description text even while one is asked for.
NON_TEXT_INTENTS = {
    "kirim_lokasi", "kirim_foto", "tidak_didukung", "pilih_kategori", "lewati",
    SUPPORT_INTENT, NEW_REPORT_INTENT,
}  # fmt: skip
# Questions during which a text that answers nothing adds to the description, and
# the intents such a text has (a service question or a "yes" is not more detail).
ADDS_TO_DESCRIPTION = {"lokasi", "foto", "konfirmasi"}
FREE_TEXT_INTENTS = {"lapor", "nlu_fallback", "out_of_scope", "inform"}


def extract(tracker: Tracker, dispatcher: CollectingDispatcher) -> dict[str, Any]:
    text = (tracker.latest_message.get("text") or "").strip()
    intent = intent_name(tracker)
    asked = requested(tracker)
    pending = tracker.get_slot("teks_tertunda")
    if (
        pending
        and asked is None
        and text.startswith("/")
        and previous_action(tracker) == "action_tanya_balik"
    ):
        # A category picked from the "did you mean" buttons: the question was the report.
        return {"deskripsi": pending}
    if not text or text.startswith("/") or intent in NON_TEXT_INTENTS:
        return {}
    if asked == "deskripsi":
        return {"deskripsi": text}
    # A classified complaint describes the problem already, whether it opened the
    # form or answered the category question ("sampahe ora diangkut wis seminggu").
    # So does an emergency typed during the form (112 was answered first): it is
    # kept, whatever question it interrupted.
    current = tracker.get_slot("deskripsi")
    emergency = is_emergency(tracker.latest_message)
    if asked in (None, "kategori") and (intent == "lapor" or emergency) and current is None:
        return {"deskripsi": text}
    if asked == "lokasi" and not emergency and claims_text(tracker):
        return {}  # where the problem is: the location slot takes it
    if current and (emergency or (asked in ADDS_TO_DESCRIPTION and intent in FREE_TEXT_INTENTS)):
        # More about the problem while another question waits: kept in the report,
        # and the question is asked again.
        added = f"{current}\n{text}"
        if len(added) > MAX_DESCRIPTION_CHARS:
            dispatcher.utter_message(
                response="utter_keterangan_terlalu_panjang", max_chars=MAX_DESCRIPTION_CHARS
            )
            return {}
        dispatcher.utter_message(response="utter_keterangan_ditambahkan")
        return {"deskripsi": added}
    return {}


def validate(value: Any, dispatcher: CollectingDispatcher) -> dict[str, Any]:
    text = " ".join(str(value or "").split())
    if len(text) < MIN_DESCRIPTION_CHARS or len(text.split()) < 2:
        dispatcher.utter_message(response="utter_deskripsi_terlalu_pendek")
        return {"deskripsi": None}
    if len(text) > MAX_DESCRIPTION_CHARS:
        dispatcher.utter_message(
            response="utter_deskripsi_terlalu_panjang", max_chars=MAX_DESCRIPTION_CHARS
        )
        return {"deskripsi": None}
    return {"deskripsi": text}
