"""A photo sent before any report: stored and kept (slot `foto_tertunda`) for the
report that follows, as a pin sent first is; the form takes it over when it starts
(actions/report/photos.py). Never an unanswered question."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.report.photos import add_photo, more_follow
from core.settings import get_settings


class ActionFotoDiterima(Action):
    def name(self) -> str:
        return "action_foto_diterima"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        photo = (tracker.latest_message.get("metadata") or {}).get("photo")
        if not photo:
            return []
        pending = list(tracker.get_slot("foto_tertunda") or [])
        added = add_photo(pending, photo, dispatcher)
        if added is None:
            return []
        if not more_follow(tracker):  # an album: only its last photo is answered
            dispatcher.utter_message(
                response="utter_foto_disimpan_untuk_laporan",
                jumlah=len(added),
                maks=get_settings().max_photos_per_report,
            )
        return [SlotSet("foto_tertunda", added)]
