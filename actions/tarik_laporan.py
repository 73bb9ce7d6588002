"""The reporter withdraws a ticket not forwarded yet ("tarik laporan saya",
"batalkan laporan LPG-..."), after a Ya/Tidak confirmation.

action_tarik_laporan finds the ticket (the one named, the only one that can be
withdrawn, or a choice), asks the question itself and opens tarik_form, whose one
slot is the answer; action_simpan_tarik withdraws it
(tickets.citizen_actions.withdraw_ticket). A forwarded ticket can no longer be
withdrawn: the citizen is offered to add a note instead.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import intent_name
from actions.filed.common import asked_number, citizen_id, ticket_choices
from core.db import current_session
from tickets.citizen_actions import can_withdraw, withdraw_ticket
from tickets.following import find_followed
from tickets.history import agency_name
from tickets.models import Ticket
from tickets.service import list_tickets
from tickets.statuses import is_open, status_label
from tickets.workflow import CitizenRefusal

TRIGGER = "tarik_laporan"
SLOTS = ("tiket_tarik", "konfirmasi_tarik")


def _reset() -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in (*SLOTS, "requested_slot")]


def _explain(dispatcher: CollectingDispatcher, ticket: Ticket) -> list[dict[str, Any]]:
    """Why this ticket cannot be withdrawn (or the question, when it can)."""
    if can_withdraw(ticket):
        dispatcher.utter_message(response="utter_ask_konfirmasi_tarik", tiket_tarik=ticket.number)
        return [SlotSet("tiket_tarik", ticket.number), SlotSet("konfirmasi_tarik", None),
                SlotSet("requested_slot", "konfirmasi_tarik"),
                ActiveLoop("tarik_form")]  # fmt: skip
    if is_open(ticket.status):
        dispatcher.utter_message(response="utter_tarik_sudah_diteruskan", nomor=ticket.number,
                                 instansi=agency_name(ticket))  # fmt: skip
    else:
        dispatcher.utter_message(response="utter_tarik_sudah_ditutup", nomor=ticket.number,
                                 status_label=status_label(ticket.status))  # fmt: skip
    return []


def start_withdrawal(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    number = asked_number(tracker)
    with current_session() as session:
        viewer = citizen_id(tracker, session)
        if number:
            found = find_followed(session=session, citizen_id=viewer, number=number)
            if found is None:
                dispatcher.utter_message(response="utter_status_tidak_ditemukan", nomor=number)
                return []
            if not found.own:  # a supported ticket, or the one an own report was merged into
                dispatcher.utter_message(response="utter_tarik_bukan_pelapor",
                                         nomor=found.ticket.number)  # fmt: skip
                return []
            return _explain(dispatcher, found.ticket)
        own = [] if viewer is None else list_tickets(session=session, citizen_id=viewer)
        withdrawable = [t for t in own if can_withdraw(t)]
        if len(withdrawable) > 1:
            lines, buttons = ticket_choices(withdrawable, TRIGGER)
            dispatcher.utter_message(response="utter_tarik_pilih", daftar=lines, buttons=buttons)
            return []
        still_open = [t for t in own if is_open(t.status)]
        if len(withdrawable) == 1 or len(still_open) == 1:
            return _explain(dispatcher, (withdrawable or still_open)[0])
        dispatcher.utter_message(response="utter_tarik_tidak_ada")
        return []


class ActionTarikLaporan(Action):
    def name(self) -> str:
        return "action_tarik_laporan"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        return start_withdrawal(dispatcher, tracker)


class ValidateTarikForm(FormValidationAction):
    def name(self) -> str:
        return "validate_tarik_form"

    async def extract_konfirmasi_tarik(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        intent = intent_name(tracker)
        if intent == "affirm":
            return {"konfirmasi_tarik": True}
        if intent in ("deny", "batal"):
            return {"konfirmasi_tarik": False}
        dispatcher.utter_message(response="utter_konfirmasi_tarik_ulang",
                                 tiket_tarik=tracker.get_slot("tiket_tarik"))  # fmt: skip
        return {}


class ActionSimpanTarik(Action):
    def name(self) -> str:
        return "action_simpan_tarik"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        number = str(tracker.get_slot("tiket_tarik") or "")
        if tracker.get_slot("konfirmasi_tarik") is not True:
            dispatcher.utter_message(response="utter_tarik_tidak_jadi", nomor=number)
            return _reset()
        with current_session() as session:
            viewer = citizen_id(tracker, session)
            found = find_followed(session=session, citizen_id=viewer, number=number)
            try:
                if found is None or viewer is None or not found.own:
                    raise CitizenRefusal("not_followed")
                withdraw_ticket(session=session, ticket=found.ticket, citizen_id=viewer)
            except CitizenRefusal as refusal:
                dispatcher.utter_message(response="utter_tarik_gagal", nomor=number,
                                         alasan=str(refusal))  # fmt: skip
                return _reset()
        dispatcher.utter_message(response="utter_tarik_berhasil", nomor=number)
        return _reset()
