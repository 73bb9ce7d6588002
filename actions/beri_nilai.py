"""After a resolution the citizen rates it: 1-5, then an optional comment (reopening
is action_buka_kembali)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import intent_name, ticket_and_citizen
from core.db import current_session
from tickets.workflow import CitizenRefusal, comment, rate

NOT_YOURS = "not_yours"


class ActionBeriNilai(Action):
    def name(self) -> str:
        return "action_beri_nilai"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        number = str(next(tracker.get_latest_entity_values("nomor"), "") or "")
        try:
            value = int(next(tracker.get_latest_entity_values("nilai"), 0) or 0)
        except (TypeError, ValueError):
            value = 0
        with current_session() as session:
            ticket, citizen_id = ticket_and_citizen(tracker, session)
            try:
                if ticket is None or citizen_id is None:
                    raise CitizenRefusal(NOT_YOURS)
                rate(session=session, ticket=ticket, citizen_id=citizen_id, rating=value)
            except CitizenRefusal as refusal:
                dispatcher.utter_message(response="utter_nilai_ditolak", nomor=number,
                                         alasan=str(refusal))  # fmt: skip
                return [SlotSet("nilai_tiket", None)]
        # komentar_form (started by the rule) now asks for the optional comment.
        return [SlotSet("nilai_tiket", ticket.number), SlotSet("komentar", None)]


class ValidateKomentarForm(FormValidationAction):
    def name(self) -> str:
        return "validate_komentar_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if not tracker.get_slot("nilai_tiket"):  # the rating was refused: no comment
            return [ActiveLoop(None), SlotSet("requested_slot", None)]
        return await super().run(dispatcher, tracker, domain)

    async def extract_komentar(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "komentar":
            return {}
        if intent_name(tracker) == "lewati":
            return {"komentar": ""}
        return {"komentar": str(tracker.latest_message.get("text") or "").strip()}


class ActionSimpanKomentar(Action):
    def name(self) -> str:
        return "action_simpan_komentar"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        text = str(tracker.get_slot("komentar") or "")
        number = str(tracker.get_slot("nilai_tiket") or "")
        if text:
            with current_session() as session:
                ticket, citizen_id = ticket_and_citizen(tracker, session, number)
                if ticket is not None and citizen_id is not None:
                    comment(session=session, ticket=ticket, citizen_id=citizen_id, text=text)
        dispatcher.utter_message(response="utter_komentar_disimpan")
        return [SlotSet("nilai_tiket", None), SlotSet("komentar", None)]
