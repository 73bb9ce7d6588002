"""Ask for the report's location: a pin, or where the typed location stands
(actions/report/typed_location.py): the typing guidance, the places that match, or
the kabupaten/kota buttons."""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import response_buttons
from actions.report import places
from actions.report.typed_location import (
    CHOOSE_PLACE,
    CHOOSE_REGION,
    PLACE_ENTITY,
    REGION_ENTITY,
    STEP_CANDIDATES,
    STEP_GUIDE,
    STEP_REGION,
    state,
)
from knowledge.geo.gazetteer import default_gazetteer
from knowledge.regions import all_regions

# Kabupaten/kota on the first list; the rest on the second (a list message holds 10
# rows: 9 and "Kab/kota lainnya", then 6 and "Sebelumnya").
REGIONS_FIRST_PAGE = 9


class ActionAskLokasi(Action):
    def name(self) -> str:
        return "action_ask_lokasi"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        current = state(tracker)
        step = current.get("step")
        if step == STEP_CANDIDATES and current.get("kandidat"):
            _ask_candidates(dispatcher, domain, current["kandidat"])
        elif step == STEP_REGION:
            _ask_region(dispatcher, domain, current)
        elif step == STEP_GUIDE:
            dispatcher.utter_message(response="utter_ask_lokasi_ketik")
        else:
            dispatcher.utter_message(response="utter_ask_lokasi")
        return []


def _ask_candidates(
    dispatcher: CollectingDispatcher, domain: DomainDict, offered: list[str]
) -> None:
    gazetteer = default_gazetteer()
    found = [p for p in (gazetteer.place(i) for i in offered) if p is not None]
    if len(found) == 1:
        dispatcher.utter_message(response="utter_ask_lokasi_kandidat_satu",
                                 tempat=places.place_label(domain, found[0]),
                                 tempat_id=found[0].id)  # fmt: skip
        return
    lines = "\n".join(f"{n}. {places.place_label(domain, p)}" for n, p in enumerate(found, 1))
    buttons = [
        {"title": places.place_title(domain, p),
         "payload": f"/{CHOOSE_PLACE}{json.dumps({PLACE_ENTITY: p.id})}"}
        for p in found
    ]  # fmt: skip
    buttons += response_buttons(domain, "utter_ask_lokasi_kandidat")
    dispatcher.utter_message(response="utter_ask_lokasi_kandidat", daftar=lines, buttons=buttons)


def _ask_region(
    dispatcher: CollectingDispatcher, domain: DomainDict, current: dict[str, Any]
) -> None:
    gazetteer = default_gazetteer()
    second = current.get("halaman") == 2
    regions = all_regions()
    shown = regions[REGIONS_FIRST_PAGE:] if second else regions[:REGIONS_FIRST_PAGE]
    buttons = []
    for region in shown:
        place = gazetteer.region_place(region.code)
        if place is not None:
            payload = f"/{CHOOSE_REGION}{json.dumps({REGION_ENTITY: region.code})}"
            buttons.append({"title": places.place_title(domain, place), "payload": payload})
    response = "utter_ask_lokasi_wilayah_lain" if second else "utter_ask_lokasi_wilayah"
    buttons += response_buttons(domain, response)
    dispatcher.utter_message(response=response, alamat=current.get("alamat") or "",
                             buttons=buttons)  # fmt: skip
