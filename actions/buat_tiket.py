"""File the confirmed complaint as a ticket."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import reset_form_events, sender_phone, split_sender
from actions.report import problems
from core.db import current_session
from core.settings import get_settings
from core.timestamps import utcnow
from knowledge.categories import get_category
from tickets.enums import LocationSource
from tickets.flows import file_ticket
from tickets.service import get_or_create_citizen, tickets_filed_since


class ActionBuatTiket(Action):
    def name(self) -> str:
        return "action_buat_tiket"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if tracker.get_slot("konfirmasi") is not True:
            dispatcher.utter_message(response="utter_laporan_tidak_dikirim")
            return reset_form_events()
        category = get_category(tracker.get_slot("kategori") or "")
        lokasi = tracker.get_slot("lokasi") or {}
        if category is None or not lokasi:
            raise ValueError("the complaint form completed without category or location")
        channel, user_key = split_sender(tracker)
        with current_session() as session:
            citizen = get_or_create_citizen(
                session=session, channel=channel, user_key=user_key, phone=sender_phone(tracker)
            )
            limit = get_settings().rate_reports_per_hour
            recent = tickets_filed_since(
                session=session, citizen=citizen, since=utcnow() - timedelta(hours=1)
            )
            if recent >= limit:  # a flood of reports would bury the operators' queue
                dispatcher.utter_message(response="utter_laporan_terlalu_banyak", jumlah=recent)
                return reset_form_events()
            ticket = file_ticket(
                session=session,
                citizen=citizen,
                category=category.id,
                description=tracker.get_slot("deskripsi") or "",
                latitude=float(lokasi["latitude"]),
                longitude=float(lokasi["longitude"]),
                region_code=lokasi.get("region_code"),
                location_source=lokasi.get("source") or LocationSource.PIN,
                address_text=lokasi.get("address"),
                place_name=lokasi.get("place_label"),
                attachment_ids=[int(i) for i in tracker.get_slot("foto") or []],
                # "Kirim rahasia" on the confirmation (the message that submits the form).
                confidential=category.confidential
                or bool(next(tracker.get_latest_entity_values("rahasia"), None)),
            )
            number = ticket.number
        dispatcher.utter_message(response="utter_tiket_dibuat", nomor=number)
        # The other problems of the report's first message, with this location.
        return [*problems.offer(dispatcher, tracker, lokasi), *reset_form_events()]
