"""Mal Pelayanan Publik (MPP) of Lampung as data (knowledge/mpp.yml), nearest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from geopy.distance import geodesic

from knowledge.regions import get_region
from knowledge.sources import Source, parse_source

MPP_FILE = Path(__file__).with_name("mpp.yml")
# Fields a source may back (its `supports`); the first four only an official source.
OFFICIAL_FIELDS = ("address", "hours", "services", "contact")
FIELDS = (*OFFICIAL_FIELDS, "opened", "location", "name")


class MppError(ValueError):
    pass


@dataclass(frozen=True)
class Mpp:
    id: str
    name: str
    region: str
    address: str | None
    lat: float
    lon: float
    coordinates_approximate: bool
    coordinates_note: str | None
    opened: str | None
    hours: str | None
    services: tuple[str, ...]
    sources: tuple[Source, ...]
    contact: str | None = None


@dataclass(frozen=True)
class NearbyMpp:
    mpp: Mpp
    distance_km: float


def _mpp(raw: dict[str, Any]) -> Mpp:
    mpp_id = str(raw.get("id") or "")
    if get_region(str(raw.get("region"))) is None:
        raise MppError(f"{mpp_id}: unknown region {raw.get('region')!r}")
    sources = tuple(parse_source(s, mpp_id) for s in raw.get("sources") or ())
    if not sources:
        raise MppError(f"{mpp_id}: no sources")
    _check_backed(mpp_id, raw, sources)
    lat, lon = float(raw["latitude"]), float(raw["longitude"])
    opened = raw.get("opened")
    return Mpp(
        id=mpp_id,
        name=str(raw["name"]),
        region=str(raw["region"]),
        address=raw.get("address") or None,
        lat=lat,
        lon=lon,
        coordinates_approximate=bool(raw.get("coordinates_approximate", True)),
        coordinates_note=raw.get("coordinates_note") or None,
        opened=opened.isoformat()
        if isinstance(opened, date)
        else (str(opened) if opened else None),
        hours=raw.get("hours") or None,
        services=tuple(str(s) for s in raw.get("services") or ()),
        sources=sources,
        contact=raw.get("contact") or None,
    )


def _check_backed(mpp_id: str, raw: dict[str, Any], sources: tuple[Source, ...]) -> None:
    """Every source dated and naming what it backs; every fact of the place backed
    (address, hours, services and contact by an official page); a pin taken as
    exact only when a source gives the building's location."""
    for source in sources:
        if source.checked is None:
            raise MppError(f"{mpp_id}: source {source.url} has no 'checked' date")
        unknown = set(source.supports) - set(FIELDS)
        if unknown:
            raise MppError(f"{mpp_id}: source {source.url} supports unknown {sorted(unknown)}")
    present = [f for f in FIELDS if f not in ("location", "name") and raw.get(f)]
    if not raw.get("coordinates_approximate", True):
        present.append("location")
    for field in present:
        backers = [s for s in sources if field in s.supports]
        if field in OFFICIAL_FIELDS:
            backers = [s for s in backers if s.official]
        if not backers:
            kind = "an official source" if field in OFFICIAL_FIELDS else "a source"
            raise MppError(f"{mpp_id}: '{field}' is not backed by {kind}")


@cache
def all_mpps(path: Path = MPP_FILE) -> tuple[Mpp, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(_mpp(raw) for raw in data["mpps"])


def nearest_mpps(lat: float, lon: float, *, limit: int = 3) -> list[NearbyMpp]:
    """The ``limit`` nearest MPPs by geodesic (WGS-84) distance."""
    nearby = [
        NearbyMpp(mpp, geodesic((lat, lon), (mpp.lat, mpp.lon)).kilometers) for mpp in all_mpps()
    ]
    return sorted(nearby, key=lambda n: n.distance_km)[:limit]


def mpp_to_dict(mpp: Mpp, distance_km: float | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": mpp.id,
        "name": mpp.name,
        "region": mpp.region,
        "address": mpp.address,
        "latitude": mpp.lat,
        "longitude": mpp.lon,
        "coordinates_approximate": mpp.coordinates_approximate,
        "hours": mpp.hours,
        "services": list(mpp.services),
        "sources": [s.url for s in mpp.sources],
    }
    if distance_km is not None:
        data["distance_km"] = round(distance_km, 2)
    return data
