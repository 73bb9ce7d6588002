"""Nearest Mal Pelayanan Publik from a shared pin (knowledge/mpp.yml)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.jawab_faq import FACET_SLOT, TOPIC_SLOT, choose_for, utter_choice
from knowledge.geo.region import coordinates_valid, locate
from knowledge.mpp import NearbyMpp, nearest_mpps

MAX_RESULTS = 3
MPP_TOPIC = "mal_pelayanan_publik"
# The chat is about MPPs now: "bukanya jam berapa?" next asks their hours.
ABOUT_MPP = [SlotSet(TOPIC_SLOT, MPP_TOPIC), SlotSet(FACET_SLOT, "tempat")]


def pin_of_message(tracker: Tracker) -> tuple[float, float] | None:
    lat = next(tracker.get_latest_entity_values("latitude"), None)
    lon = next(tracker.get_latest_entity_values("longitude"), None)
    try:
        point = (float(lat), float(lon))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return point if coordinates_valid(*point) else None


def _format_km(km: float) -> str:
    # Indonesian decimal comma: 12,3
    return f"{km:.1f}".replace(".", ",")


def utter_nearest(dispatcher: CollectingDispatcher, lat: float, lon: float) -> None:
    if not locate(lat, lon).in_lampung:
        dispatcher.utter_message(response="utter_mpp_luar_lampung")
        return
    nearby = nearest_mpps(lat, lon, limit=MAX_RESULTS)
    if not nearby:
        dispatcher.utter_message(response="utter_mpp_tidak_ada")
        return
    dispatcher.utter_message(response="utter_mpp_terdekat_judul")
    for number, item in enumerate(nearby, 1):
        _utter_item(dispatcher, number, item)
    if any(item.mpp.coordinates_approximate for item in nearby):
        dispatcher.utter_message(response="utter_mpp_catatan_perkiraan")
    if any(not item.mpp.hours for item in nearby):
        dispatcher.utter_message(response="utter_mpp_catatan_jam")


def _utter_item(dispatcher: CollectingDispatcher, number: int, item: NearbyMpp) -> None:
    mpp = item.mpp
    dispatcher.utter_message(
        response="utter_mpp_item",
        nomor=number,
        nama=mpp.name,
        perkiraan="±" if mpp.coordinates_approximate else "",
        jarak=_format_km(item.distance_km),
        alamat=mpp.address or "",
        jam=mpp.hours or "",
        layanan=", ".join(mpp.services),
        sumber=mpp.sources[0].url,
        custom={
            "venue": {
                "latitude": mpp.lat,
                "longitude": mpp.lon,
                "title": mpp.name,
                "address": mpp.address or mpp.name,
            }
        },
    )


class ActionCariMpp(Action):
    """'MPP terdekat': answer from a pin the user just shared, or ask for one."""

    def name(self) -> str:
        return "action_cari_mpp"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        choice = choose_for(tracker, nlu_topic=MPP_TOPIC)
        if choice.topic is not None and (
            choice.topic.id != MPP_TOPIC or choice.facet not in (None, "tempat")
        ):
            # "nomor telepon mpp?", "kalo mpp?" after hours were asked, "kantor bpjs
            # di pringsewu dimana": a service question, not a search by pin.
            return utter_choice(dispatcher, choice)
        pin = tracker.get_slot("lokasi_mpp")
        if tracker.active_loop_name:
            # During a report: from its location; a pin sent now is the report's.
            pin = tracker.get_slot("lokasi")
            if not isinstance(pin, dict) or "latitude" not in pin:
                dispatcher.utter_message(response="utter_mpp_setelah_lokasi")
                return []
            utter_nearest(dispatcher, float(pin["latitude"]), float(pin["longitude"]))
            return []
        if isinstance(pin, dict) and "latitude" in pin and "longitude" in pin:
            utter_nearest(dispatcher, float(pin["latitude"]), float(pin["longitude"]))
            return [SlotSet("lokasi_mpp", None), SlotSet("menunggu_lokasi_mpp", None), *ABOUT_MPP]
        dispatcher.utter_message(response="utter_ask_lokasi_mpp")
        return [SlotSet("menunggu_lokasi_mpp", True), *ABOUT_MPP]


class ActionLokasiDiterima(Action):
    """A pin outside the complaint form: the MPP answer if one was asked for, else a choice."""

    def name(self) -> str:
        return "action_lokasi_diterima"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        pin = pin_of_message(tracker)
        if pin is None:
            dispatcher.utter_message(response="utter_lokasi_tidak_valid")
            return []
        if tracker.get_slot("menunggu_lokasi_mpp"):
            utter_nearest(dispatcher, *pin)
            return [SlotSet("menunggu_lokasi_mpp", None), SlotSet("lokasi_mpp", None)]
        dispatcher.utter_message(response="utter_lokasi_diterima")
        return [SlotSet("lokasi_mpp", {"latitude": pin[0], "longitude": pin[1]})]
