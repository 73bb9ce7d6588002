"""The description slot: the complaint's own text, and more text sent while the
form asks something else ("udah 3 hari")."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.ask_cek_serupa import NEW_REPORT_INTENT, SUPPORT_INTENT
from actions.common import intent_name, photo_caption, previous_action
from actions.report.common import (
    FREE_TEXT_INTENTS,
    MAX_DESCRIPTION_CHARS,
    MIN_DESCRIPTION_CHARS,
    requested,
)
from actions.report.confirmation import extra_detail
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
# A text at the location question this long that names a place describes the problem too.
DETAIL_WORDS = 6


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
    current = tracker.get_slot("deskripsi")
    if intent == "kirim_foto":
        # A photo's caption ("ini fotonya, lubangnya segede ban truk") is detail too.
        caption = photo_caption(tracker)
        return _added(current, caption, dispatcher, quiet=True) if current and caption else {}
    if extra_detail(tracker):  # "iya, udah 2 minggu ..." at the summary
        return _added(current, text, dispatcher) if current else {}
    if not text or text.startswith("/") or intent in NON_TEXT_INTENTS:
        return {}
    if asked == "deskripsi":
        return {"deskripsi": text}
    # A classified complaint describes the problem already, whether it opened the
    # form or answered the category question ("sampahe ora diangkut wis seminggu").
    # So does an emergency typed during the form (112 was answered first): it is
    # kept, whatever question it interrupted.
    emergency = is_emergency(tracker.latest_message)
    if asked in (None, "kategori") and (intent == "lapor" or emergency) and current is None:
        return {"deskripsi": text}
    if asked == "lokasi" and not emergency and claims_text(tracker):
        # Where the problem is: the location slot takes it. A sentence that also tells
        # more of the problem ("jln ke pasar gunung sugih bolong2 gede bgt"), read as
        # the report's own category, is kept too; an address alone is not.
        own = f"lapor/{tracker.get_slot('kategori')}"
        about_it = tracker.latest_message.get("full_retrieval_intent") == own
        detail = about_it and len(text.split()) >= DETAIL_WORDS
        return _added(current, text, dispatcher, quiet=True) if current and detail else {}
    if current and (emergency or (asked in ADDS_TO_DESCRIPTION and intent in FREE_TEXT_INTENTS)):
        # More about the problem while another question waits: kept in the report,
        # and the question is asked again.
        return _added(current, text, dispatcher)
    return {}


def _added(
    current: str, text: str, dispatcher: CollectingDispatcher, *, quiet: bool = False
) -> dict[str, Any]:
    """The description with `text` added (told unless `quiet`: the text also answered
    the question), or nothing when it would be too long."""
    if text in current:
        return {}
    added = f"{current}\n{text}"
    if len(added) > MAX_DESCRIPTION_CHARS:
        dispatcher.utter_message(
            response="utter_keterangan_terlalu_panjang", max_chars=MAX_DESCRIPTION_CHARS
        )
        return {}
    if not quiet:
        dispatcher.utter_message(response="utter_keterangan_ditambahkan")
    return {"deskripsi": added}


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
