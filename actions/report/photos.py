"""The photo slot: each photo is stored (metadata stripped) as it arrives, so the
slot holds attachment ids only.

At most MAX_PHOTOS_PER_REPORT photos; the same picture twice is kept once; photos
sent before the report (`foto_tertunda`, actions/foto_diterima.py) join it when the
form starts. An album arrives as one turn per photo: while the channel still holds
more photos of it (`more_follow` in the message metadata) a photo is stored without
a word and the engine keeps the form's next question for the last one, which
acknowledges them all ("Foto diterima (3 dari 5)").
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.common import intent_name
from actions.report.common import requested
from core.db import current_session
from core.settings import get_settings
from tickets.media import MediaError, store_photo
from tickets.models import Attachment

MEDIA_ERROR_RESPONSES = {
    "not_found": "utter_foto_tidak_ditemukan",
    "too_large": "utter_foto_terlalu_besar",
    "too_many_pixels": "utter_foto_terlalu_banyak_piksel",
    "not_image": "utter_foto_bukan_gambar",
    "corrupt": "utter_foto_rusak",
    "empty": "utter_foto_bukan_gambar",
}


def extract(tracker: Tracker, dispatcher: CollectingDispatcher) -> dict[str, Any]:
    intent = intent_name(tracker)
    existing = list(tracker.get_slot("foto") or [])
    result: dict[str, Any] = {}
    pending = list(tracker.get_slot("foto_tertunda") or [])
    if pending:  # sent before the report began
        existing = [*existing, *(i for i in pending if i not in existing)]
        existing = existing[: get_settings().max_photos_per_report]
        result = {"foto": existing, "foto_tertunda": None}
    if intent == "kirim_foto":
        photo = (tracker.latest_message.get("metadata") or {}).get("photo")
        if not photo:
            return result
        added = add_photo(existing, photo, dispatcher)
        if added is not None:
            if not more_follow(tracker):
                limit = get_settings().max_photos_per_report
                dispatcher.utter_message(
                    response="utter_foto_diterima_ke", jumlah=len(added), maks=limit
                )
            return {**result, "foto": added}
        return {**result, "foto": existing or None}
    if intent == "lewati" and requested(tracker) == "foto":
        return {**result, "foto": existing}
    return result


def validate(value: Any) -> dict[str, Any]:
    """Attachment ids; [] when skipped, None to ask again."""
    if value is None:
        return {"foto": None}
    return {"foto": [int(i) for i in value]}


def more_follow(tracker: Tracker) -> bool:
    """The channel holds further photos of this album: say nothing yet."""
    return bool((tracker.latest_message.get("metadata") or {}).get("more_follow"))


def add_photo(
    existing: list[int], photo: dict[str, Any], dispatcher: CollectingDispatcher
) -> list[int] | None:
    """`existing` with the received photo added; None (and the reason told) when it
    is not added: the limit is reached, it is no usable image, or it is there already."""
    limit = get_settings().max_photos_per_report
    if len(existing) >= limit:
        dispatcher.utter_message(response="utter_foto_maksimal", maks=limit)
        return None
    with current_session() as session:
        try:
            attachment = store_photo(
                session=session,
                source_path=photo.get("path") or "",
                original_name=photo.get("file_name"),
            )
        except MediaError as error:
            dispatcher.utter_message(
                response=MEDIA_ERROR_RESPONSES.get(error.code, "utter_foto_bukan_gambar"),
                max_mb=get_settings().max_photo_bytes // (1024 * 1024),
                max_mp=get_settings().max_photo_pixels // 1_000_000,
            )
            return None
        if existing:
            hashes = session.scalars(
                select(Attachment.sha256).where(Attachment.id.in_(existing))
            ).all()
            if attachment.sha256 in hashes:
                # The file is stored once per content hash already; drop the new row.
                session.delete(attachment)
                session.flush()
                dispatcher.utter_message(response="utter_foto_sudah_ada")
                return None
        return [*existing, attachment.id]
