"""knowledge/mpp.yml and the nearest-MPP search."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from geopy.distance import geodesic

from core.settings import ROOT_DIR
from knowledge.geo.region import locate
from knowledge.mpp import Mpp, all_mpps, nearest_mpps
from knowledge.regions import get_region

MPPS = all_mpps()


def test_there_are_mpps_in_most_regions() -> None:
    assert len({m.region for m in MPPS}) >= 10
    assert len({m.id for m in MPPS}) == len(MPPS)


@pytest.mark.parametrize("mpp", MPPS, ids=lambda m: m.id)
def test_each_mpp_is_cited_and_inside_its_region(mpp: Mpp) -> None:
    assert mpp.sources and all(s.url.startswith("http") for s in mpp.sources)
    if mpp.coordinates_approximate:
        assert mpp.coordinates_note, "say how approximate coordinates were obtained"
    match = locate(mpp.lat, mpp.lon)
    assert match.in_lampung
    assert match.region_code == mpp.region


@pytest.mark.parametrize("region_code", ["metro", "tulang_bawang", "lampung_barat", "way_kanan"])
def test_nearest_from_a_capital_is_that_regions_mpp(region_code: str) -> None:
    region = get_region(region_code)
    assert region is not None
    nearest = nearest_mpps(region.lat, region.lon)
    assert nearest[0].mpp.region == region_code
    assert nearest[0].distance_km < 10


def test_three_nearest_sorted_with_geodesic_distances() -> None:
    pin = (-5.3719, 105.2393)  # Rajabasa, Bandar Lampung
    nearest = nearest_mpps(*pin)
    assert len(nearest) == 3
    distances = [n.distance_km for n in nearest]
    assert distances == sorted(distances)
    for n in nearest:
        assert n.distance_km == pytest.approx(geodesic(pin, (n.mpp.lat, n.mpp.lon)).km)
    assert {n.mpp.region for n in nearest[:2]} == {"bandar_lampung"}


def test_cli_mpp_json() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bot", "knowledge", "mpp", "--lat", "-5.1131", "--lon", "105.3067",
         "--json"],
        capture_output=True, text=True, check=True, cwd=ROOT_DIR,
    )  # fmt: skip
    data = json.loads(out.stdout)
    assert len(data) == 3
    assert data[0]["region"] == "metro"
    assert data[0]["distance_km"] < 5
