"""Agencies and the category -> agency routing table as data (knowledge/agencies.yml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from knowledge.categories import all_categories

AGENCIES_FILE = Path(__file__).with_name("agencies.yml")
LEVELS = ("provinsi", "kabupaten-kota", "instansi-vertikal", "bumd", "bumn")
# Agencies of these levels have an office in every kabupaten/kota.
REGIONAL_LEVELS = ("kabupaten-kota", "bumd")


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    level: str
    # "hours" (the 72-hour rule) or "working_days" (tickets/deadlines.py).
    calendar: str = "hours"

    @property
    def regional(self) -> bool:
        return self.level in REGIONAL_LEVELS


@dataclass(frozen=True)
class Route:
    agency: str | None  # None: the operator triages
    also: tuple[str, ...] = ()


@cache
def _data() -> tuple[dict[str, Agency], dict[str, Route]]:
    data = yaml.safe_load(AGENCIES_FILE.read_text(encoding="utf-8"))
    agencies = {a["code"]: Agency(**a) for a in data["agencies"]}
    for agency in agencies.values():
        if agency.level not in LEVELS:
            raise ValueError(f"agency {agency.code}: unknown level {agency.level!r}")
    routing = {
        category: Route(agency=raw.get("agency"), also=tuple(raw.get("also") or ()))
        for category, raw in data["routing"].items()
    }
    for category, route in routing.items():
        for code in (route.agency, *route.also):
            if code is not None and code not in agencies:
                raise ValueError(f"routing {category}: unknown agency {code!r}")
    missing = {c.id for c in all_categories()} - set(routing)
    if missing:
        raise ValueError(f"no routing for categories: {sorted(missing)}")
    return agencies, routing


def all_agencies() -> tuple[Agency, ...]:
    return tuple(_data()[0].values())


def get_agency(code: str) -> Agency | None:
    return _data()[0].get(code)


def route_for(category: str) -> Route:
    return _data()[1].get(category, Route(agency=None))
