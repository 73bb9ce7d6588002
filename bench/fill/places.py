"""Where filled tickets are: pins near real villages of Lampung, or a typed place.

A pin is the centroid of a village (knowledge/geo: villages.csv.gz) moved by at
most 0.4 of the distance to the nearest other village (and MAX_JITTER_KM), so that
village stays the pin's nearest one: the region the bot would find for the pin
(knowledge.geo.region.locate, the nearest-village rule) is the village's region.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

import numpy as np

from actions.report.places import place_label
from bench.fill.spread import (
    MAX_JITTER_KM,
    TYPED_ADDRESS_SHARE,
    TYPED_PLACE_SHARE,
    URBAN_WEIGHT,
)
from bench.fill.texts import TEXTS
from dialogue.domain import get_domain
from knowledge.geo.gazetteer import default_gazetteer
from knowledge.geo.places import KELURAHAN, VILLAGE, Place
from knowledge.geo.region import default_locator
from tickets.enums import LocationSource

KM_PER_DEGREE = 111.2
# Of the distance to the nearest other village: a triangle-inequality margin (< 0.5).
JITTER_SHARE = 0.4


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    region_code: str
    source: LocationSource
    address_text: str | None = None
    place_name: str | None = None


@dataclass(frozen=True)
class _Village:
    place: Place
    label: str  # "Kel. Rajabasa Raya, Kec. Rajabasa, Kota Bandar Lampung"
    jitter_km: float


class Places:
    def __init__(self) -> None:
        gazetteer = default_gazetteer()
        locator = default_locator()
        index = {v.code: i for i, v in enumerate(locator.villages)}
        domain = get_domain().data
        self.villages: list[_Village] = []
        for place in gazetteer.places():
            if place.level != VILLAGE:
                continue
            i = index[place.id.removeprefix("v:")]
            distances = locator.distances_km(place.lat, place.lon)
            distances[i] = np.inf
            jitter = min(JITTER_SHARE * float(distances.min()), MAX_JITTER_KM)
            self.villages.append(_Village(place, place_label(domain, place), jitter))
        weights = [URBAN_WEIGHT if v.place.kind == KELURAHAN else 1 for v in self.villages]
        self._cumulative = list(accumulate(weights))
        self._regions: dict[str, tuple[Place, str]] = {}
        for code in {v.place.region_code for v in self.villages}:
            region = gazetteer.region_place(code)
            if region is not None:
                self._regions[code] = (region, place_label(domain, region))

    def draw(self, rng: random.Random) -> Location:
        village = rng.choices(self.villages, cum_weights=self._cumulative)[0]
        place = village.place
        roll = rng.random()
        if roll < TYPED_PLACE_SHARE:
            typed = rng.choice(TEXTS["typed_places"])
            return Location(place.lat, place.lon, place.region_code, LocationSource.PLACE,
                            address_text=typed.format(nama=place.name, kecamatan=place.district),
                            place_name=village.label)  # fmt: skip
        if roll < TYPED_PLACE_SHARE + TYPED_ADDRESS_SHARE:
            region, label = self._regions[place.region_code]
            typed = rng.choice(TEXTS["typed_addresses"])
            address = typed.format(jalan=rng.choice(TEXTS["streets"]), nomor=rng.randint(1, 99))
            return Location(region.lat, region.lon, region.region_code, LocationSource.ADDRESS,
                            address_text=address, place_name=label)  # fmt: skip
        distance = village.jitter_km * math.sqrt(rng.random())
        bearing = rng.random() * 2 * math.pi
        dlat = distance * math.cos(bearing) / KM_PER_DEGREE
        dlon = distance * math.sin(bearing) / (KM_PER_DEGREE * math.cos(math.radians(place.lat)))
        return Location(round(place.lat + dlat, 6), round(place.lon + dlon, 6),
                        place.region_code, LocationSource.PIN)  # fmt: skip


@cache
def default_places() -> Places:
    return Places()
