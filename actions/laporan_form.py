"""The complaint form: rasa-sdk's FormValidationAction over the slot modules in
actions/report/ (category, description, location, photos)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.ask_cek_serupa import NEW_REPORT, SUPPORT_PREFIX, choice_from_message, support
from actions.common import intent_name, reset_form_events
from actions.report import category, description, location, photos
from actions.report.common import requested


class ValidateLaporanForm(FormValidationAction):
    def name(self) -> str:
        return "validate_laporan_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        # Emergencies (112 first) are answered by the engine before the form runs,
        # for every channel; actions/report/description.py keeps their text.
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
        return category.extract(tracker)

    async def extract_deskripsi(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return description.extract(tracker, dispatcher)

    async def extract_lokasi(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return location.extract(tracker)

    async def extract_foto(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return photos.extract(tracker, dispatcher)

    async def extract_cek_serupa(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if requested(tracker) != "cek_serupa":
            return {}
        choice = choice_from_message(tracker, intent_name(tracker))
        return {"cek_serupa": choice} if choice else {}

    async def extract_konfirmasi(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if requested(tracker) != "konfirmasi":
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
        return category.validate(value, dispatcher)

    def validate_deskripsi(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return description.validate(value, dispatcher)

    def validate_lokasi(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return location.validate(value, dispatcher, tracker)

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
        return photos.validate(value)

    def validate_konfirmasi(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"konfirmasi": bool(value)}
