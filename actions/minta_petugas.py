"""Asking for a person: a handoff request to the region's operators (tickets.handoff).

The region is the one of a pin shared in this conversation, else of the citizen's
latest ticket, else none (province level). The request carries the citizen's last
few texts, so staff see what it is about; the citizen is told honestly when nobody
can receive it.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.common import split_sender
from core.db import current_session
from knowledge.geo.region import locate
from tickets.handoff import HandoffResult, latest_ticket_region, request_handoff
from tickets.handoff_alerts import region_label
from tickets.service import find_citizen

CONTEXT_TEXTS = 3
HANDOFF_ACTIONS = {"action_minta_petugas", "action_teruskan_pertanyaan"}
# Answers to the bot's questions and menu commands say nothing about what the citizen needs.
NOISE_INTENTS = {
    "affirm", "deny", "lewati", "greet", "terima_kasih", "goodbye", "cek_status", "bantuan",
    "batal", "cari_mpp", "faq_detail", "dukung", "buat_baru",
}  # fmt: skip


def recent_texts(tracker: Tracker) -> list[str]:
    """The citizen's latest texts (oldest first, this one included) since the bot
    last took a request: typed text only, no buttons, pins or yes/no answers."""
    texts: list[str] = []
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") in HANDOFF_ACTIONS:
            break
        if event.get("event") != "user" or (event.get("metadata") or {}).get("button"):
            continue
        text = str(event.get("text") or "").strip()
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if text and not text.startswith("/") and intent not in NOISE_INTENTS:
            texts.append(text)
        if len(texts) == CONTEXT_TEXTS:
            break
    return texts[::-1]


def _pin_region(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    if value.get("region_code"):
        return str(value["region_code"])
    try:
        match = locate(float(value["latitude"]), float(value["longitude"]))
    except (KeyError, TypeError, ValueError):
        return None
    return match.region_code if match.in_lampung else None


def request_region(tracker: Tracker, session: Session) -> str | None:
    for slot in ("lokasi", "lokasi_mpp"):
        code = _pin_region(tracker.get_slot(slot))
        if code:
            return code
    channel, user_key = split_sender(tracker)
    citizen = find_citizen(session=session, channel=channel, user_key=user_key)
    return None if citizen is None else latest_ticket_region(session=session, citizen_id=citizen.id)


def ask_for_person(tracker: Tracker, session: Session, texts: list[str]) -> HandoffResult:
    channel, user_key = split_sender(tracker)
    return request_handoff(session=session, channel=channel, user_key=user_key, texts=texts,
                           region_code=request_region(tracker, session))  # fmt: skip


def tell_outcome(dispatcher: CollectingDispatcher, result: HandoffResult, created: str) -> None:
    """`created`: the response for a new request that reached someone."""
    request = result.request
    if not result.reachable:
        dispatcher.utter_message(response="utter_petugas_tidak_tersedia")
    elif result.created:
        # No region: the line naming it is left out (province level).
        region = region_label(request.region_code) if request.region_code else ""
        dispatcher.utter_message(response=created, nomor=request.id, wilayah=region)
    else:
        dispatcher.utter_message(response="utter_permintaan_petugas_ditambahkan", nomor=request.id)


class ActionMintaPetugas(Action):
    def name(self) -> str:
        return "action_minta_petugas"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        with current_session() as session:
            result = ask_for_person(tracker, session, recent_texts(tracker))
            tell_outcome(dispatcher, result, "utter_permintaan_petugas_diterima")
        return []
