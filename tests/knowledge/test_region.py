"""knowledge.geo.region: offline pin -> kabupaten/kota of Lampung, or "outside"."""

from __future__ import annotations

import math
import socket

import pytest

from knowledge.geo.evaluate import evaluate_leave_one_out, evaluate_points, geonames_points
from knowledge.geo.region import (
    LAMPUNG,
    METHOD_OUTSIDE_WINDOW,
    REASON_OTHER_PROVINCE,
    REASON_OUTSIDE_WINDOW,
    REASON_SEA,
    REASON_TOO_FAR,
    LandMask,
    NearestVillageLocator,
    RegionMatch,
    Village,
    coordinates_valid,
    default_locator,
    locate,
)
from knowledge.regions import all_regions


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lookup must work offline: any connection attempt fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("knowledge.geo.region tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_there_are_fifteen_regions() -> None:
    regions = all_regions()
    assert len(regions) == 15
    assert len({r.code for r in regions}) == len({r.bps_code for r in regions}) == 15


@pytest.mark.parametrize("region", all_regions(), ids=lambda r: r.code)
def test_each_capital_is_in_its_own_region(region: object) -> None:
    match = locate(region.lat, region.lon)  # type: ignore[attr-defined]
    assert match.in_lampung
    assert match.region_code == region.code  # type: ignore[attr-defined]
    assert match.region_name == region.name  # type: ignore[attr-defined]
    assert match.reason is None


# GeoNames places close to a kabupaten/kota border (the neighbour in the comment).
NEAR_BORDERS = {
    "Natar": (-5.30897, 105.19251, "lampung_selatan"),  # Bandar Lampung
    "Panjang": (-5.4759, 105.31982, "bandar_lampung"),  # Lampung Selatan
    "Kedaton": (-5.38354, 105.2596, "bandar_lampung"),  # Lampung Selatan
    "Gadingrejo": (-5.37233, 105.06163, "pringsewu"),  # Pesawaran
    "Punggur": (-5.04146, 105.27734, "lampung_tengah"),  # Metro
    "Pekalongan": (-5.08277, 105.35885, "lampung_timur"),  # Metro
    "Batanghari": (-5.14095, 105.3752, "lampung_timur"),  # Metro
    "Jabung": (-5.46314, 105.66752, "lampung_timur"),  # Lampung Selatan
    "Kalirejo": (-5.22582, 104.96131, "lampung_tengah"),  # Pringsewu, Tanggamus
    "Pulaupanggung": (-5.31812, 104.74152, "tanggamus"),  # Lampung Barat
    "Panaragan": (-4.47784, 105.08142, "tulang_bawang_barat"),  # Tulang Bawang
    "Bukitkemuning": (-4.85962, 104.57373, "lampung_utara"),  # Way Kanan, Lampung Barat
}


@pytest.mark.parametrize("name", NEAR_BORDERS)
def test_points_near_borders(name: str) -> None:
    lat, lon, code = NEAR_BORDERS[name]
    assert locate(lat, lon).region_code == code


OTHER_PROVINCES = {
    "Jakarta": (-6.21462, 106.84513, "Daerah Khusus Ibukota Jakarta"),
    "Palembang": (-2.91673, 104.7458, "Sumatera Selatan"),
    "Bengkulu": (-3.80044, 102.26554, "Bengkulu"),
    "Serang": (-6.11528, 106.15417, "Banten"),
    # just across a border from Lampung
    "Merak": (-5.93, 106.00, "Banten"),
    "Martapura": (-4.31885, 104.34715, "Sumatera Selatan"),
    "Muara Dua": (-4.53178, 104.07397, "Sumatera Selatan"),
    "Bintuhan": (-4.80, 103.37, "Bengkulu"),
}


@pytest.mark.parametrize("name", OTHER_PROVINCES)
def test_other_provinces_are_outside(name: str) -> None:
    lat, lon, province = OTHER_PROVINCES[name]
    match = locate(lat, lon)
    assert not match.in_lampung
    assert match.reason == REASON_OTHER_PROVINCE
    assert match.province == province
    assert match.region_code is None


SEA = {
    "Teluk Lampung": (-5.62, 105.35),
    "Selat Sunda": (-5.95, 105.75),
    "Samudra Hindia off Krui": (-5.30, 103.70),
    "Laut Jawa off Lampung Timur": (-5.20, 106.20),
}


@pytest.mark.parametrize("name", SEA)
def test_points_in_the_sea_are_outside(name: str) -> None:
    match = locate(*SEA[name])
    assert not match.in_lampung
    assert match.reason == REASON_SEA
    assert match.on_land is False


def test_islands_and_coast_of_lampung_count() -> None:
    # Bakauheni ferry port, on the shore.
    assert locate(-5.87, 105.75).region_code == "lampung_selatan"
    # Inside Way Kambas national park, several km from any village.
    assert locate(-4.93, 105.78).region_code == "lampung_timur"


def test_land_far_from_every_known_village_is_outside() -> None:
    match = locate(-2.10, 106.10)  # Bangka island, not in the data
    assert not match.in_lampung
    assert match.reason == REASON_TOO_FAR


def test_pin_outside_search_window() -> None:
    match = locate(-8.65, 115.22)  # Bali
    assert not match.in_lampung
    assert match.reason == REASON_OUTSIDE_WINDOW
    assert match.method == METHOD_OUTSIDE_WINDOW


def test_match_reports_village_district_and_distance() -> None:
    match = locate(-5.38354, 105.2596)
    assert match.district and match.nearest_place
    assert match.distance_km is not None and match.distance_km < 3


INVALID = [
    (91.0, 0.0),
    (0.0, 181.0),
    (-90.5, 0.0),
    (0.0, -180.5),
    (math.nan, 105.0),
    (-5.4, math.nan),
    (math.inf, 105.0),
    (-5.4, -math.inf),
]


@pytest.mark.parametrize(("lat", "lon"), INVALID)
def test_invalid_coordinates(lat: float, lon: float) -> None:
    assert not coordinates_valid(lat, lon)
    with pytest.raises(ValueError):
        locate(lat, lon)


@pytest.mark.parametrize("bad", ["-5.4", None, True])
def test_non_numbers_are_invalid(bad: object) -> None:
    assert not coordinates_valid(bad, 105.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        locate(bad, 105.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(("lat", "lon"), [(90.0, 180.0), (-90.0, -180.0), (0, 0), (-5, 105)])
def test_valid_edges_and_ints(lat: float, lon: float) -> None:
    assert isinstance(locate(lat, lon), RegionMatch)


# The locator's logic on synthetic villages, independent of the real data.


def _village(name: str, province: str, regency_code: str, lat: float, lon: float) -> Village:
    return Village(name, name, "Kec", regency_code, f"Kab {name}", province, lat, lon)


class AllLand(LandMask):
    def __init__(self) -> None:
        pass

    def near_land(self, lat: float, lon: float, tolerance_km: float = 1.0) -> bool:
        return True


def test_nearest_village_decides_region_and_province() -> None:
    locator = NearestVillageLocator(
        (
            _village("A", LAMPUNG, "1871", -5.0, 105.0),
            _village("B", LAMPUNG, "1872", -5.0, 105.1),
            _village("C", "Banten", "3601", -5.0, 105.3),
        ),
        AllLand(),
    )
    assert locator.locate(-5.0, 105.04).region_code == "bandar_lampung"
    assert locator.locate(-5.0, 105.06).region_code == "metro"
    outside = locator.locate(-5.0, 105.25)
    assert (outside.in_lampung, outside.province) == (False, "Banten")
    far = locator.locate(-3.0, 105.0)
    assert (far.in_lampung, far.reason) == (False, REASON_TOO_FAR)


def test_locator_needs_lampung_villages() -> None:
    with pytest.raises(ValueError):
        NearestVillageLocator((_village("C", "Banten", "3601", -5.0, 105.3),), AllLand())


def test_land_mask_reads_the_grid() -> None:
    land = default_locator().land
    assert land.is_land(-5.43, 105.26)  # Bandar Lampung
    assert not land.is_land(-5.95, 105.75)  # Selat Sunda
    assert not land.is_land(-20.0, 105.0)  # outside the stored window: no land known


# Accuracy on independent known points (docs/knowledge.md quotes the same numbers).


def test_accuracy_on_geonames_places() -> None:
    report = evaluate_points(geonames_points(), default_locator())
    assert report["lampung_points"] >= 50 and report["outside_points"] >= 100
    assert report["accuracy"] >= 0.98, report["errors"]


def test_leave_one_out_accuracy() -> None:
    report = evaluate_leave_one_out(default_locator())
    assert report["villages"] > 2600
    assert report["region_accuracy"] >= 0.93
    assert report["province_accuracy"] >= 0.99
