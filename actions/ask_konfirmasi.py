"""Show the summary of the report before it is filed (its buttons: send, send
confidentially, change a part, cancel), or, after a "tidak", ask whether to cancel."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import response_text
from actions.report.confirmation import PENDING_CANCEL
from actions.report.typed_location import location_text
from knowledge.categories import get_category


class ActionAskKonfirmasi(Action):
    def name(self) -> str:
        return "action_ask_konfirmasi"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if tracker.get_slot(PENDING_CANCEL):
            dispatcher.utter_message(response="utter_tanya_batal")
            return []
        category = get_category(tracker.get_slot("kategori") or "")
        lokasi = tracker.get_slot("lokasi") or {}
        confidential = bool(category and category.confidential)
        dispatcher.utter_message(
            response="utter_ask_konfirmasi",
            kategori_label=category.label if category else "-",
            deskripsi=tracker.get_slot("deskripsi") or "-",
            koordinat=location_text(domain, lokasi) if lokasi else "-",
            desa=lokasi.get("place") or "",
            kecamatan=lokasi.get("district") or "",
            kabupaten=lokasi.get("region_name") or "",
            jumlah_foto=len(tracker.get_slot("foto") or []),
            catatan_rahasia=response_text(domain, "utter_catatan_rahasia") if confidential else "",
        )
        return []
