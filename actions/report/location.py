"""The location slot: a pin inside Lampung (and the similar reports near it), or a
location typed instead (typed_location.py). A pin always wins over a typed one."""

from __future__ import annotations

import math
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.ask_cek_serupa import NONE_NEARBY, nearby_numbers
from actions.common import intent_name, previous_action
from actions.report import typed_location
from knowledge.geo.region import REASON_OTHER_PROVINCE, REASON_SEA, coordinates_valid, locate
from tickets.enums import LocationSource

# Why a pin was refused -> what the citizen is told.
OUTSIDE_RESPONSES = {
    REASON_SEA: "utter_lokasi_di_laut",
    REASON_OTHER_PROVINCE: "utter_lokasi_provinsi_lain",
}


def extract(tracker: Tracker) -> dict[str, Any]:
    if intent_name(tracker) != "kirim_lokasi":
        # "Lapor masalah di sini" right after sharing a pin: use that pin.
        shared = tracker.get_slot("lokasi_mpp")
        if (
            isinstance(shared, dict)
            and tracker.get_slot("lokasi") is None
            and previous_action(tracker) == "action_lokasi_diterima"
        ):
            return {"lokasi": shared, "lokasi_mpp": None}
        typed = typed_location.extract(tracker)
        return {"lokasi": typed} if typed else {}
    lat = next(tracker.get_latest_entity_values("latitude"), None)
    lon = next(tracker.get_latest_entity_values("longitude"), None)
    return {"lokasi": {"latitude": lat, "longitude": lon}}


def validate(
    value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> dict[str, Any]:
    if isinstance(value, dict) and typed_location.RAW in value:
        return typed_location.resolve(value, dispatcher, tracker, domain)
    if typed_location.is_typed(value):
        return {"lokasi": value}  # settled by resolve() before
    try:
        lat = float(value["latitude"])
        lon = float(value["longitude"])
    except (TypeError, KeyError, ValueError):
        lat = lon = math.nan
    if not coordinates_valid(lat, lon):
        dispatcher.utter_message(response="utter_lokasi_tidak_valid")
        return {"lokasi": None}
    match = locate(lat, lon)
    if not match.in_lampung:
        dispatcher.utter_message(
            response=OUTSIDE_RESPONSES.get(match.reason or "", "utter_lokasi_luar_lampung"),
            provinsi=match.province or "",
        )
        return {"lokasi": None}
    nearby = nearby_numbers(tracker, str(tracker.get_slot("kategori") or ""), lat, lon)
    return {
        "lokasi": {
            "latitude": lat,
            "longitude": lon,
            "region_code": match.region_code,
            "region_name": match.region_name,
            "district": match.district,
            "place": match.nearest_place,
            "source": str(LocationSource.PIN),
            "address": _typed_before(tracker),
        },
        typed_location.SLOT: None,
        "tiket_serupa": nearby,
        "cek_serupa": None if nearby else NONE_NEARBY,
    }


def _typed_before(tracker: Tracker) -> str | None:
    """What the citizen typed about the place before the pin came: kept for the operator."""
    earlier = tracker.get_slot("lokasi")
    if typed_location.is_typed(earlier):
        return earlier.get("address")
    return typed_location.state(tracker).get("alamat")
