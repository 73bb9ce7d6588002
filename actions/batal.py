"""Cancel the report being filled in; with none, "batalkan laporan LPG-..." withdraws
a filed one (actions/tarik_laporan.py)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import reset_form_events
from actions.filed.common import asked_number, citizen_id
from actions.report.confirmation import not_cancelling
from actions.tarik_laporan import start_withdrawal
from core.db import current_session
from tickets.citizen_actions import can_withdraw
from tickets.service import list_tickets


def _has_withdrawable(tracker: Tracker) -> bool:
    with current_session() as session:
        viewer = citizen_id(tracker, session)
        own = [] if viewer is None else list_tickets(session=session, citizen_id=viewer)
        return any(can_withdraw(t) for t in own)


class ActionBatal(Action):
    def name(self) -> str:
        return "action_batal"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if not tracker.active_loop:
            if tracker.get_slot("foto_tertunda"):  # photos sent for a report not begun
                dispatcher.utter_message(response="utter_foto_tertunda_dibatalkan")
                return [SlotSet("foto_tertunda", None)]
            if asked_number(tracker):
                return start_withdrawal(dispatcher, tracker)
            dispatcher.utter_message(response="utter_tidak_ada_yang_dibatalkan")
            if _has_withdrawable(tracker):
                dispatcher.utter_message(response="utter_tawar_tarik_laporan")
            return []
        kept = not_cancelling(tracker)
        if kept is not None:  # "ga jadi batal": the form goes on (rules.yml re-enters it)
            if not kept:
                dispatcher.utter_message(response="utter_batal_tidak_jadi")
            return kept
        dispatcher.utter_message(response="utter_batal")
        return [ActiveLoop(None), *reset_form_events()]
