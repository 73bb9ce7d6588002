"""knowledge/mpp.yml and the nearest-MPP search."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from geopy.distance import geodesic

from core.settings import ROOT_DIR
from knowledge.geo.region import locate
from knowledge.mpp import Mpp, MppError, all_mpps, nearest_mpps
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


PLACE = """
mpps:
  - id: mpp_x
    name: MPP X
    region: metro
    address: Jl. Contoh 1
    latitude: -5.11
    longitude: 105.30
    coordinates_approximate: true
    sources:
      - url: https://metrokota.go.id/mpp
        title: MPP X
        publisher: Pemkot Metro
        supports: [address, name]
        checked: 2026-12-02
"""


def _load(tmp_path: Path, body: str) -> tuple[Mpp, ...]:
    path = tmp_path / "mpp.yml"
    path.write_text(body, encoding="utf-8")
    return all_mpps.__wrapped__(path)


def test_a_place_backed_by_an_official_dated_source_loads(tmp_path: Path) -> None:
    [place] = _load(tmp_path, PLACE)
    assert place.address == "Jl. Contoh 1" and place.sources[0].checked is not None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("https://metrokota.go.id/mpp", "https://berita.example.com/mpp"), "official"),
        (("supports: [address, name]", "supports: [name]"), "address"),
        (("        checked: 2026-12-02\n", ""), "checked"),
        (("supports: [address, name]", "supports: [address, alamat]"), "unknown"),
        (("coordinates_approximate: true", "coordinates_approximate: false"), "location"),
    ],
)
def test_an_unbacked_place_fact_is_refused(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    assert change[0] in PLACE
    with pytest.raises(MppError, match=message):
        _load(tmp_path, PLACE.replace(*change))
