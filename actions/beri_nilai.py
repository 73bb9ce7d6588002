"""After a resolution the citizen rates it: 1-5, then an optional comment, then the
offer of the IKM survey (actions/survei_ikm.py; reopening is action_buka_kembali)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import intent_name, ticket_and_citizen
from actions.filed.common import asked_number, is_bare_rating, typed_rating
from actions.survei_ikm import offer as offer_survey
from core.db import current_session
from core.timestamps import utcnow
from tickets.following import awaiting_rating
from tickets.workflow import CitizenRefusal, comment, rate
from tickets.workflow_config import raw

NOT_YOURS = "not_yours"


class ActionBeriNilai(Action):
    """A rating from the resolution notice's buttons, or typed ("5", "nilai 4",
    "⭐⭐⭐⭐"): then it is for the ticket the message names, else the citizen's
    latest resolved ticket not rated yet. A bare number or stars mean a rating only
    while one resolved within the reopening window awaits it."""

    def name(self) -> str:
        return "action_beri_nilai"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        number = asked_number(tracker) or ""
        value = _rating(tracker)
        with current_session() as session:
            ticket, citizen_id = ticket_and_citizen(tracker, session, number or None)
            if not number and citizen_id is not None:
                ticket = awaiting_rating(session=session, citizen_id=citizen_id,
                                         resolved_since=_since(tracker))  # fmt: skip
            if ticket is None and not number:
                text = str(tracker.latest_message.get("text") or "")
                if is_bare_rating(tracker):
                    dispatcher.utter_message(response="utter_nilai_tanpa_konteks", teks=text)
                else:
                    dispatcher.utter_message(response="utter_tidak_ada_yang_dinilai")
                return [SlotSet("nilai_tiket", None)]
            if value is None and ticket is not None:
                dispatcher.utter_message(response="utter_status_minta_nilai", nomor=ticket.number)
                return [SlotSet("nilai_tiket", None)]
            try:
                if ticket is None or citizen_id is None:
                    raise CitizenRefusal(NOT_YOURS)
                rate(session=session, ticket=ticket, citizen_id=citizen_id, rating=value or 0)
            except CitizenRefusal as refusal:
                dispatcher.utter_message(response="utter_nilai_ditolak",
                                         nomor=number or (ticket.number if ticket else ""),
                                         alasan=str(refusal))  # fmt: skip
                return [SlotSet("nilai_tiket", None)]
        # komentar_form (started by the rule) now asks for the optional comment.
        return [SlotSet("nilai_tiket", ticket.number), SlotSet("komentar", None)]


def _rating(tracker: Tracker) -> int | None:
    """The button's "nilai", else what was typed."""
    pressed = next(tracker.get_latest_entity_values("nilai"), None)
    if pressed is not None:
        try:
            return int(pressed)
        except (TypeError, ValueError):
            return 0
    return typed_rating(tracker)


def _since(tracker: Tracker) -> datetime | None:
    """A bare "5" counts for tickets resolved within the reopening window only."""
    if not is_bare_rating(tracker):
        return None
    return utcnow() - timedelta(days=int(raw()["reopen_within_days"]))


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
        with current_session() as session:
            ticket, citizen_id = ticket_and_citizen(tracker, session, number)
            if text and ticket is not None and citizen_id is not None:
                comment(session=session, ticket=ticket, citizen_id=citizen_id, text=text)
            dispatcher.utter_message(response="utter_komentar_disimpan")
            if ticket is not None and ticket.citizen_id == citizen_id:
                offer_survey(dispatcher, session, ticket)
        return [SlotSet("nilai_tiket", None), SlotSet("komentar", None)]
