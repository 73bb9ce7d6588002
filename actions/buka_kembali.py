"""A citizen reopens a resolved ticket (within the days workflow.yml allows): the
"Belum beres" button, or typed ("masih belum diperbaiki") about the ticket the
message names, else their latest resolved one."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import ticket_and_citizen
from actions.filed.common import asked_number
from core.db import current_session
from knowledge.agencies import get_agency
from tickets.following import latest_resolved
from tickets.workflow import CitizenRefusal, reopen

NOT_YOURS = "not_yours"


class ActionBukaKembali(Action):
    def name(self) -> str:
        return "action_buka_kembali"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        number = asked_number(tracker) or ""
        with current_session() as session:
            ticket, citizen_id = ticket_and_citizen(tracker, session, number or None)
            if not number:
                # Typed ("belum beres"): the latest resolved ticket.
                ticket = citizen_id and latest_resolved(session=session, citizen_id=citizen_id)
                if not ticket:
                    dispatcher.utter_message(response="utter_tidak_ada_yang_dibuka")
                    return []
                number = ticket.number
            try:
                if ticket is None or citizen_id is None:
                    raise CitizenRefusal(NOT_YOURS)
                reopen(session=session, ticket=ticket, citizen_id=citizen_id)
            except CitizenRefusal as refusal:
                dispatcher.utter_message(response="utter_tidak_bisa_dibuka", nomor=number,
                                         alasan=str(refusal))  # fmt: skip
                return []
            # A resolved ticket was forwarded, so it has its agency.
            agency = get_agency(ticket.agency_code or "")
            name = agency.name if agency else ""
            dispatcher.utter_message(response="utter_dibuka_kembali", nomor=ticket.number,
                                     instansi=name)  # fmt: skip
        return []
