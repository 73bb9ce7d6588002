"""The photo slot: each photo is stored (metadata stripped) as it arrives, so the
slot holds attachment ids only."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import intent_name
from actions.report.common import requested
from core.db import current_session
from core.settings import get_settings
from tickets.media import MediaError, store_photo

MEDIA_ERROR_RESPONSES = {
    "not_found": "utter_foto_tidak_ditemukan",
    "too_large": "utter_foto_terlalu_besar",
    "too_many_pixels": "utter_foto_terlalu_banyak_piksel",
    "not_image": "utter_foto_bukan_gambar",
    "empty": "utter_foto_bukan_gambar",
}


def extract(tracker: Tracker, dispatcher: CollectingDispatcher) -> dict[str, Any]:
    intent = intent_name(tracker)
    existing = list(tracker.get_slot("foto") or [])
    if intent == "kirim_foto":
        photo = (tracker.latest_message.get("metadata") or {}).get("photo")
        if not photo:
            return {}
        attachment_id = store(photo, dispatcher)
        if attachment_id is None:
            return {"foto": existing or None}
        return {"foto": [*existing, attachment_id]}
    if intent == "lewati" and requested(tracker) == "foto":
        return {"foto": existing}
    return {}


def validate(value: Any) -> dict[str, Any]:
    """Attachment ids; [] when skipped, None to ask again."""
    if value is None:
        return {"foto": None}
    return {"foto": [int(i) for i in value]}


def store(photo: dict[str, Any], dispatcher: CollectingDispatcher) -> int | None:
    """The received photo as an attachment; None (and the reason told) when it is not one."""
    try:
        with current_session() as session:
            attachment = store_photo(
                session=session,
                source_path=photo.get("path") or "",
                original_name=photo.get("file_name"),
            )
            return attachment.id
    except MediaError as error:
        dispatcher.utter_message(
            response=MEDIA_ERROR_RESPONSES.get(error.code, "utter_foto_bukan_gambar"),
            max_mb=get_settings().max_photo_bytes // (1024 * 1024),
            max_mp=get_settings().max_photo_pixels // 1_000_000,
        )
        return None
