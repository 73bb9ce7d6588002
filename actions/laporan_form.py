"""The complaint form: rasa-sdk's FormValidationAction over the slot modules in
actions/report/ (category, description, location, photos, confirmation), with
what may come between them: corrections, the cancel question, a question at the
category prompt, several problems in the first message."""

from __future__ import annotations

from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.ask_cek_serupa import NEW_REPORT, SUPPORT_PREFIX, choice_from_message, support
from actions.common import intent_name, reset_form_events
from actions.report import (
    category,
    confirmation,
    corrections,
    description,
    location,
    photos,
    problems,
    questions,
)
from actions.report.common import requested


class ValidateLaporanForm(FormValidationAction):
    def name(self) -> str:
        return "validate_laporan_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        # Emergencies (112 first) are answered by the engine before the form runs,
        # for every channel; actions/report/description.py keeps their text.
        before, done = self._between_questions(dispatcher, tracker)
        if done:
            return before
        opening = problems.opens_report(tracker)
        chosen = problems.chosen_entry(tracker)
        category_before, lokasi_before = tracker.get_slot("kategori"), tracker.get_slot("lokasi")
        events = [*before, *await super().run(dispatcher, tracker, domain)]
        supported = any(
            e.get("event") == "slot" and e.get("name") == "cek_serupa"
            and str(e.get("value") or "").startswith(SUPPORT_PREFIX)
            for e in events
        )  # fmt: skip
        if supported:  # no new ticket: the report is done
            return [*events, ActiveLoop(None), *reset_form_events()]
        if opening:
            events += problems.others_events(tracker)
        if chosen:
            events += problems.remaining_events(dispatcher, tracker)
        new_category = tracker.get_slot("kategori")
        if category_before is None and new_category and lokasi_before:
            # Chosen again after "Ubah kategori": similar reports of this one near the pin.
            events += corrections.nearby_again(tracker, new_category, lokasi_before)
        return events

    def _between_questions(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> tuple[list[dict[str, Any]], bool]:
        """What comes before the slots are filled: the events, and whether they end the turn."""
        if (
            intent_name(tracker) == problems.OTHER_PROBLEM_INTENT
            and requested(tracker) is None
            and problems.chosen_entry(tracker) is None
        ):  # a button of an older offer: nothing left to file from it
            dispatcher.utter_message(response="utter_masalah_lain_tidak_ada")
            return [ActiveLoop(None), *reset_form_events()], True
        answered = questions.service_question_opening(dispatcher, tracker)
        if answered is not None:
            return answered, True
        corrected = corrections.apply(dispatcher, tracker)
        if corrected is not None:
            return corrected, True
        if questions.answer_at_category_prompt(dispatcher, tracker):
            return [], True
        return confirmation.cancel_question(dispatcher, tracker)

    # --- extraction -------------------------------------------------------
    async def extract_kategori(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # One of the other problems of an earlier message fills category, description
        # and location at once; several problems in one message: the first is this report.
        return (
            problems.prefill(tracker)
            or problems.first_of_several(tracker)
            or category.extract(tracker)
        )

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
        return confirmation.extract(tracker, dispatcher)

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
        return location.validate(value, dispatcher, tracker, domain)

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
