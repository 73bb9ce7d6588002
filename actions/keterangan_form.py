"""A citizen adds text or a photo to an open ticket they follow: "tambahan untuk
laporan LPG-2026-000123: lubangnya makin besar" in one message, or "tambah
keterangan", then the ticket (offered as buttons; the only open one is taken),
then the text or photo. keterangan_form holds the two; action_simpan_keterangan
records them (tickets.citizen_actions.add_to_ticket alerts the staff).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.common import intent_name, photo_caption
from actions.filed.common import asked_number, citizen_id, ticket_choices
from actions.report.photos import add_photo
from core.db import current_session
from tickets.citizen_actions import MAX_ADDITION_CHARS, add_to_ticket
from tickets.following import find_followed, followed_tickets
from tickets.models import Ticket
from tickets.statuses import is_open
from tickets.workflow import CitizenRefusal

SLOTS = ("tiket_keterangan", "isi_keterangan")
TRIGGER = "tambah_keterangan"
# Messages that are not the addition itself (the question is asked again).
NOT_CONTENT = {"affirm", "deny", "greet", "goodbye", "terima_kasih", "lewati"}
# "tambah keterangan" typed again is the request, not the addition; longer text the
# classifier reads as one is the addition ("lubangnya sekarang ada dua").
REQUEST_WORDS = 3
_SEPARATORS = " \t\n:;,.-–—"


def _reset() -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in (*SLOTS, "requested_slot")]


def _addable(session: Session, tracker: Tracker) -> list[Ticket]:
    viewer = citizen_id(tracker, session)
    if viewer is None:
        return []
    followed = followed_tickets(session=session, citizen_id=viewer)
    return [f.ticket for f in followed if is_open(f.ticket.status)]


def _inline_text(tracker: Tracker) -> str:
    """The addition typed with the request: after the ticket number, else after ":"."""
    text = str(tracker.latest_message.get("text") or "")
    if text.startswith("/"):
        return ""
    ends = [
        int(e["end"])
        for e in tracker.latest_message.get("entities") or []
        if e.get("entity") == "ticket_number" and "end" in e
    ]
    if ends:
        return text[max(ends) :].strip(_SEPARATORS)
    _, colon, rest = text.partition(":")
    return rest.strip(_SEPARATORS) if colon else ""


class ValidateKeteranganForm(FormValidationAction):
    def name(self) -> str:
        return "validate_keterangan_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if intent_name(tracker) == "batal":
            dispatcher.utter_message(response="utter_keterangan_batal")
            return [ActiveLoop(None), *_reset()]
        if tracker.get_slot("tiket_keterangan") is None and not asked_number(tracker):
            with current_session() as session:
                if not _addable(session, tracker):
                    dispatcher.utter_message(response="utter_keterangan_tidak_ada_tiket")
                    return [ActiveLoop(None), *_reset()]
        return await super().run(dispatcher, tracker, domain)

    async def extract_tiket_keterangan(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        number = asked_number(tracker)
        if number:
            return {"tiket_keterangan": number}
        if tracker.get_slot("requested_slot") is None:  # just asked: the only open one
            with current_session() as session:
                addable = _addable(session, tracker)
            if len(addable) == 1:
                return {"tiket_keterangan": addable[0].number}
        return {}

    async def extract_isi_keterangan(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        asked = tracker.get_slot("requested_slot")
        intent = intent_name(tracker)
        if asked is None:
            inline = _inline_text(tracker)
            return {"isi_keterangan": {"text": inline, "photos": []}} if inline else {}
        if intent == "kirim_foto":
            photo = (tracker.latest_message.get("metadata") or {}).get("photo")
            added = add_photo([], photo, dispatcher) if photo else None
            if not added:
                return {}
            attachment = added[0]
            caption = photo_caption(tracker)
            return {"isi_keterangan": {"text": caption, "photos": [attachment]}}
        text = str(tracker.latest_message.get("text") or "").strip()
        if intent == TRIGGER and (asked_number(tracker) or len(text.split()) <= REQUEST_WORDS):
            inline = _inline_text(tracker)
            return {"isi_keterangan": {"text": inline, "photos": []}} if inline else {}
        if not text or text.startswith("/") or intent in NOT_CONTENT:
            if asked == "isi_keterangan":
                dispatcher.utter_message(response="utter_keterangan_ulang")
            return {}
        if asked == "tiket_keterangan" and asked_number(tracker):
            return {}  # the ticket, typed
        # Also while the ticket is asked: the words are kept, the ticket asked again.
        return {"isi_keterangan": {"text": text, "photos": []}}

    def validate_tiket_keterangan(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        with current_session() as session:
            found = find_followed(session=session, citizen_id=citizen_id(tracker, session),
                                  number=str(value))  # fmt: skip
            if found is None:
                dispatcher.utter_message(response="utter_status_tidak_ditemukan", nomor=value)
                return {"tiket_keterangan": None}
            if not is_open(found.ticket.status):
                dispatcher.utter_message(response="utter_keterangan_ditolak",
                                         nomor=found.ticket.number,
                                         alasan=str(CitizenRefusal("closed")))  # fmt: skip
                return {"tiket_keterangan": None}
            return {"tiket_keterangan": found.ticket.number}

    def validate_isi_keterangan(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            return {"isi_keterangan": None}
        if len(str(value.get("text") or "")) > MAX_ADDITION_CHARS:
            dispatcher.utter_message(
                response="utter_isi_keterangan_terlalu_panjang", max_chars=MAX_ADDITION_CHARS
            )
            return {"isi_keterangan": None}
        return {"isi_keterangan": value}


class ActionAskTiketKeterangan(Action):
    def name(self) -> str:
        return "action_ask_tiket_keterangan"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        with current_session() as session:
            addable = _addable(session, tracker)
            if not addable:
                dispatcher.utter_message(response="utter_keterangan_tidak_ada_tiket")
                return [ActiveLoop(None), *_reset()]
            lines, buttons = ticket_choices(addable, TRIGGER)
        dispatcher.utter_message(response="utter_ask_tiket_keterangan", daftar=lines,
                                 buttons=buttons)  # fmt: skip
        return []


class ActionSimpanKeterangan(Action):
    def name(self) -> str:
        return "action_simpan_keterangan"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        number = str(tracker.get_slot("tiket_keterangan") or "")
        content = tracker.get_slot("isi_keterangan") or {}
        with current_session() as session:
            viewer = citizen_id(tracker, session)
            found = find_followed(session=session, citizen_id=viewer, number=number)
            try:
                if found is None or viewer is None:
                    raise CitizenRefusal("not_followed")
                add_to_ticket(session=session, ticket=found.ticket, citizen_id=viewer,
                              text=str(content.get("text") or ""),
                              photo_ids=[int(i) for i in content.get("photos") or []])  # fmt: skip
            except CitizenRefusal as refusal:
                dispatcher.utter_message(response="utter_keterangan_ditolak", nomor=number,
                                         alasan=str(refusal))  # fmt: skip
                return _reset()
        dispatcher.utter_message(response="utter_keterangan_diteruskan", nomor=number)
        return _reset()
