"""The complaint form: extract and validate category, description, location, photo."""

from __future__ import annotations

import math
from typing import Any

from rapidfuzz import fuzz, process
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.ask_cek_serupa import (
    NEW_REPORT,
    NEW_REPORT_INTENT,
    NONE_NEARBY,
    SUPPORT_INTENT,
    SUPPORT_PREFIX,
    choice_from_message,
    nearby_numbers,
    support,
)
from actions.common import intent_name, previous_action, reset_form_events
from core.db import current_session
from core.settings import get_settings
from knowledge.categories import all_categories, get_category
from knowledge.geo.region import REASON_OTHER_PROVINCE, REASON_SEA, coordinates_valid, locate
from knowledge.intents import intent_title
from nlu.config import fallback_threshold
from tickets.media import MediaError, store_photo

# Offered next to the guessed categories; it asks for the full list.
OTHER_CATEGORY_INTENT = "pilih_kategori"
MIN_DESCRIPTION_CHARS = 10
MAX_DESCRIPTION_CHARS = 4000
# Messages that carry no description text even while one is asked for.
NON_TEXT_INTENTS = {
    "kirim_lokasi", "kirim_foto", "tidak_didukung", "pilih_kategori", "lewati",
    SUPPORT_INTENT, NEW_REPORT_INTENT,
}  # fmt: skip
# Questions during which a text that answers nothing adds to the description, and
# the intents such a text has (a service question or a "yes" is not more detail).
ADDS_TO_DESCRIPTION = {"lokasi", "foto", "konfirmasi"}
FREE_TEXT_INTENTS = {"lapor", "nlu_fallback", "out_of_scope", "inform"}
MEDIA_ERROR_RESPONSES = {
    "not_found": "utter_foto_tidak_ditemukan",
    "too_large": "utter_foto_terlalu_besar",
    "too_many_pixels": "utter_foto_terlalu_banyak_piksel",
    "not_image": "utter_foto_bukan_gambar",
    "empty": "utter_foto_bukan_gambar",
}


def _requested(tracker: Tracker) -> str | None:
    return tracker.get_slot("requested_slot")


def _match_category_label(text: str) -> str | None:
    """A category typed by name while the bot asks for one ("sampah", "lampu jalan")."""
    choices = {c.id: f"{c.id.replace('_', ' ')} {c.label}".casefold() for c in all_categories()}
    best = process.extractOne(text.casefold(), choices, scorer=fuzz.partial_ratio)
    if best and best[1] >= 85:
        return str(best[2])
    return None


# Why a pin was refused -> what the citizen is told.
OUTSIDE_RESPONSES = {
    REASON_SEA: "utter_lokasi_di_laut",
    REASON_OTHER_PROVINCE: "utter_lokasi_provinsi_lain",
}


class ValidateLaporanForm(FormValidationAction):
    def name(self) -> str:
        return "validate_laporan_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        # Safety net: a report that mentions an emergency (fire, accident, crime, ...)
        # may be one happening now, whatever the classifier thinks; point to 112 first.
        if next(tracker.get_latest_entity_values("darurat"), None):
            dispatcher.utter_message(response="utter_darurat_pengingat")
        events = await super().run(dispatcher, tracker, domain)
        supported = any(
            e.get("event") == "slot" and e.get("name") == "cek_serupa"
            and str(e.get("value") or "").startswith(SUPPORT_PREFIX)
            for e in events
        )  # fmt: skip
        if supported:  # no new ticket: the report is done
            return [*events, ActiveLoop(None), *reset_form_events()]
        return events

    # --- extraction -------------------------------------------------------
    async def extract_kategori(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        message = tracker.latest_message
        intent = intent_name(tracker)
        if intent == "pilih_kategori":
            chosen = next(tracker.get_latest_entity_values("kategori"), None)
            if chosen and get_category(str(chosen)):
                return {"kategori": str(chosen)}
            return {}
        if tracker.get_slot("kategori") and _requested(tracker) != "kategori":
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
        if _requested(tracker) == "kategori" and text and not text.startswith("/"):
            matched = _match_category_label(text)
            if matched:
                return {"kategori": matched}
        return {}

    async def extract_deskripsi(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = (tracker.latest_message.get("text") or "").strip()
        intent = intent_name(tracker)
        requested = _requested(tracker)
        pending = tracker.get_slot("teks_tertunda")
        if (
            pending
            and requested is None
            and text.startswith("/")
            and previous_action(tracker) == "action_tanya_balik"
        ):
            # A category picked from the "did you mean" buttons: the question was the report.
            return {"deskripsi": pending}
        if not text or text.startswith("/") or intent in NON_TEXT_INTENTS:
            return {}
        if requested == "deskripsi":
            return {"deskripsi": text}
        # A classified complaint describes the problem already, whether it opened the
        # form or answered the category question ("sampahe ora diangkut wis seminggu").
        current = tracker.get_slot("deskripsi")
        if requested in (None, "kategori") and intent == "lapor" and current is None:
            return {"deskripsi": text}
        if current and requested in ADDS_TO_DESCRIPTION and intent in FREE_TEXT_INTENTS:
            # More about the problem while another question waits ("udah 3 hari"):
            # kept in the report, and the question is asked again.
            added = f"{current}\n{text}"
            if len(added) > MAX_DESCRIPTION_CHARS:
                dispatcher.utter_message(
                    response="utter_keterangan_terlalu_panjang", max_chars=MAX_DESCRIPTION_CHARS
                )
                return {}
            dispatcher.utter_message(response="utter_keterangan_ditambahkan")
            return {"deskripsi": added}
        return {}

    async def extract_lokasi(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if intent_name(tracker) != "kirim_lokasi":
            # "Lapor masalah di sini" right after sharing a pin: use that pin.
            shared = tracker.get_slot("lokasi_mpp")
            if (
                isinstance(shared, dict)
                and tracker.get_slot("lokasi") is None
                and previous_action(tracker) == "action_lokasi_diterima"
            ):
                return {"lokasi": shared, "lokasi_mpp": None}
            return {}
        lat = next(tracker.get_latest_entity_values("latitude"), None)
        lon = next(tracker.get_latest_entity_values("longitude"), None)
        return {"lokasi": {"latitude": lat, "longitude": lon}}

    async def extract_foto(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        intent = intent_name(tracker)
        existing = list(tracker.get_slot("foto") or [])
        if intent == "kirim_foto":
            photo = (tracker.latest_message.get("metadata") or {}).get("photo")
            if not photo:
                return {}
            # Stored as it arrives, so the slot only ever holds attachment ids.
            attachment_id = _store(photo, dispatcher)
            if attachment_id is None:
                return {"foto": existing or None}
            return {"foto": [*existing, attachment_id]}
        if intent == "lewati" and _requested(tracker) == "foto":
            return {"foto": existing}
        return {}

    async def extract_konfirmasi(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if _requested(tracker) != "konfirmasi":
            return {}
        intent = intent_name(tracker)
        if intent == "affirm":
            return {"konfirmasi": True}
        if intent == "deny":
            return {"konfirmasi": False}
        dispatcher.utter_message(response="utter_ask_konfirmasi_ulang")
        return {}

    # --- validation -------------------------------------------------------
    def validate_kategori(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value and get_category(str(value)):
            return {"kategori": str(value)}
        dispatcher.utter_message(response="utter_kategori_tidak_dikenal")
        return {"kategori": None}

    def validate_deskripsi(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
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

    def validate_lokasi(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        try:
            lat = float(value["latitude"])
            lon = float(value["longitude"])
        except (TypeError, KeyError, ValueError):
            lat = lon = math.nan
        if not coordinates_valid(lat, lon):
            dispatcher.utter_message(response="utter_lokasi_tidak_valid")
            return {"lokasi": None}
        match = locate(lat, lon)
        if not match.in_lampung:
            dispatcher.utter_message(
                response=OUTSIDE_RESPONSES.get(match.reason or "", "utter_lokasi_luar_lampung"),
                provinsi=match.province or "",
            )
            return {"lokasi": None}
        nearby = nearby_numbers(tracker, str(tracker.get_slot("kategori") or ""), lat, lon)
        return {
            "lokasi": {
                "latitude": lat,
                "longitude": lon,
                "region_code": match.region_code,
                "region_name": match.region_name,
                "district": match.district,
                "place": match.nearest_place,
            },
            "tiket_serupa": nearby,
            "cek_serupa": None if nearby else NONE_NEARBY,
        }

    async def extract_cek_serupa(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if _requested(tracker) != "cek_serupa":
            return {}
        choice = choice_from_message(tracker, intent_name(tracker))
        return {"cek_serupa": choice} if choice else {}

    def validate_cek_serupa(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "")
        if text.startswith(SUPPORT_PREFIX):
            number = text.removeprefix(SUPPORT_PREFIX)
            if support(tracker, number):
                dispatcher.utter_message(response="utter_dukungan_tercatat", nomor=number)
                return {"cek_serupa": text}
            return {"cek_serupa": NEW_REPORT}  # the ticket vanished: file the report
        return {"cek_serupa": text}

    def validate_foto(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Attachment ids (extract_foto stores each photo); [] when skipped, None to ask again."""
        if value is None:
            return {"foto": None}
        return {"foto": [int(i) for i in value]}

    def validate_konfirmasi(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"konfirmasi": bool(value)}


class ActionAskKategori(Action):
    """Ask for the category: the classifier's best guesses first when it was unsure."""

    def name(self) -> str:
        return "action_ask_kategori"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        ranking = tracker.latest_message.get("intent_ranking") or []
        guesses = [
            get_category(r["name"].split("/", 1)[1])
            for r in ranking
            if str(r.get("name", "")).startswith("lapor/")
        ]
        candidates = [c for c in guesses if c is not None][:3]
        if intent_name(tracker) == "lapor" and candidates:
            buttons = [_category_button(c.id, c.label) for c in candidates]
            buttons.append(
                {
                    "title": intent_title(OTHER_CATEGORY_INTENT) or "",
                    "payload": f"/{OTHER_CATEGORY_INTENT}",
                }
            )
            dispatcher.utter_message(response="utter_ask_kategori_kandidat", buttons=buttons)
            return []
        buttons = [_category_button(c.id, c.label) for c in all_categories()]
        dispatcher.utter_message(response="utter_ask_kategori", buttons=buttons)
        return []


def _category_button(category_id: str, label: str) -> dict[str, str]:
    return {"title": label, "payload": f'/pilih_kategori{{"kategori": "{category_id}"}}'}


class ActionAskDeskripsi(Action):
    def name(self) -> str:
        return "action_ask_deskripsi"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        category = get_category(tracker.get_slot("kategori") or "")
        label = category.label.lower() if category else ""
        dispatcher.utter_message(response="utter_ask_deskripsi", kategori_label=label)
        return []


class ActionAskKonfirmasi(Action):
    """Show the summary of the report before it is filed."""

    def name(self) -> str:
        return "action_ask_konfirmasi"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        category = get_category(tracker.get_slot("kategori") or "")
        lokasi = tracker.get_slot("lokasi") or {}
        confidential = bool(category and category.confidential)
        dispatcher.utter_message(
            response="utter_ask_konfirmasi",
            kategori_label=category.label if category else "-",
            deskripsi=tracker.get_slot("deskripsi") or "-",
            koordinat=f"{lokasi['latitude']:.5f}, {lokasi['longitude']:.5f}" if lokasi else "-",
            desa=lokasi.get("place") or "",
            kecamatan=lokasi.get("district") or "",
            kabupaten=lokasi.get("region_name") or "",
            jumlah_foto=len(tracker.get_slot("foto") or []),
            catatan_rahasia=_render_note(domain, "utter_catatan_rahasia") if confidential else "",
        )
        return []


def _render_note(domain: DomainDict, response: str) -> str:
    variations = (domain.get("responses") or {}).get(response) or [{}]
    return str(variations[0].get("text") or "")


def _store(photo: dict[str, Any], dispatcher: CollectingDispatcher) -> int | None:
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
