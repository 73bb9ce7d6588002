"""The 15 kabupaten/kota of Lampung as data (knowledge/regions.yml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

REGIONS_FILE = Path(__file__).with_name("regions.yml")


@dataclass(frozen=True)
class Region:
    code: str  # "bandar_lampung"
    bps_code: str  # "1871"
    kind: str  # "kota" / "kabupaten"
    name: str  # "Kota Bandar Lampung"
    capital: str
    lat: float
    lon: float


@cache
def all_regions() -> tuple[Region, ...]:
    data = yaml.safe_load(REGIONS_FILE.read_text(encoding="utf-8"))
    return tuple(Region(**item) for item in data["regions"])


def get_region(code: str) -> Region | None:
    return next((r for r in all_regions() if r.code == code), None)


def region_by_bps_code(bps_code: str) -> Region | None:
    return next((r for r in all_regions() if r.bps_code == bps_code), None)
