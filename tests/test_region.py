"""knowledge.geo.region: offline "is this pin inside Lampung?" lookup."""

from __future__ import annotations

import math
import socket

import pytest

from knowledge.geo.region import (
    DEFAULT_MAX_DISTANCE_KM,
    LAMPUNG,
    METHOD_NEAREST_PLACE,
    METHOD_OUTSIDE_WINDOW,
    BoundingBox,
    NearestPlaceLocator,
    Place,
    RegionMatch,
    coordinates_valid,
    locate,
)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lookup must work offline: any connection attempt fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("knowledge.geo.region tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


INSIDE = {
    "Bandar Lampung": (-5.4292, 105.2610),
    "Metro": (-5.1131, 105.3067),
    "Kalianda": (-5.7190, 105.5955),
    "Kotabumi": (-4.8333, 104.9000),
    "Liwa": (-5.0333, 104.0667),
    "Krui": (-5.1900, 103.9300),
    "Menggala": (-4.4667, 105.2667),
    # further from a listed place, or near a border
    "Bakauheni port": (-5.8700, 105.7450),
    "Way Kambas": (-4.9300, 105.7800),
    "Blambangan Umpu": (-4.4667, 104.5667),
}

OUTSIDE = {
    "Jakarta": ((-6.2088, 106.8456), "Jakarta"),
    "Palembang": ((-2.9761, 104.7754), "South Sumatra"),
    "Bengkulu": ((-3.8004, 102.2655), "Bengkulu"),
    "Serang": ((-6.12, 106.15), "Banten"),
    # just across a border from Lampung
    "Merak": ((-5.93, 106.00), "Banten"),
    "Baturaja": ((-4.13, 104.17), "South Sumatra"),
    "Martapura": ((-4.31, 104.36), "South Sumatra"),
    "Muara Dua": ((-4.53, 104.07), "South Sumatra"),
    "Bintuhan": ((-4.80, 103.37), "Bengkulu"),
}


@pytest.mark.parametrize("name", INSIDE)
def test_points_inside_lampung(name: str) -> None:
    match = locate(*INSIDE[name])
    assert match.in_lampung, match
    assert match.province == LAMPUNG
    assert match.method == METHOD_NEAREST_PLACE
    assert match.nearest_place
    assert match.distance_km is not None
    assert 0.0 <= match.distance_km <= DEFAULT_MAX_DISTANCE_KM
    assert match.region_code is None  # kabupaten/kota polygons come later


@pytest.mark.parametrize("name", OUTSIDE)
def test_points_outside_lampung(name: str) -> None:
    (lat, lon), province = OUTSIDE[name]
    match = locate(lat, lon)
    assert not match.in_lampung, match
    assert match.province == province
    assert match.method == METHOD_NEAREST_PLACE


def test_known_city_reports_its_place_and_distance() -> None:
    match = locate(-5.4292, 105.2610)
    assert match.nearest_place == "Bandar Lampung"
    assert match.distance_km is not None and match.distance_km < 5.0


def test_open_sea_is_not_lampung() -> None:
    # Middle of the Indian Ocean: the nearest place may be in Lampung, but far away.
    match = locate(-10.0, 100.0)
    assert not match.in_lampung
    assert match.distance_km is not None and match.distance_km > DEFAULT_MAX_DISTANCE_KM


def test_pin_outside_search_window_is_not_lampung() -> None:
    match = locate(48.8566, 2.3522)  # Paris
    assert match == RegionMatch(
        in_lampung=False,
        province=None,
        region_code=None,
        nearest_place=None,
        distance_km=None,
        method=METHOD_OUTSIDE_WINDOW,
    )


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
    assert not coordinates_valid(-5.4, bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        locate(bad, 105.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(("lat", "lon"), [(90.0, 180.0), (-90.0, -180.0), (0, 0), (-5, 105)])
def test_valid_edges_and_ints(lat: float, lon: float) -> None:
    assert coordinates_valid(lat, lon)
    assert isinstance(locate(lat, lon), RegionMatch)


# The locator's logic on synthetic places, independent of the GeoNames data.

WINDOW = BoundingBox(south=-10.0, north=0.0, west=100.0, east=110.0)
TOWN = Place("Town", LAMPUNG, None, "ID", -5.0, 105.0)
ELSEWHERE = Place("Elsewhere", "Banten", None, "ID", -6.0, 106.0)


def test_distance_cap() -> None:
    locator = NearestPlaceLocator([TOWN, ELSEWHERE], window=WINDOW, max_distance_km=60.0)
    near = locator.locate(-5.0, 105.5)  # ~55 km east of Town
    far = locator.locate(-5.0, 104.4)  # ~66 km west of Town
    assert near.in_lampung and near.nearest_place == "Town"
    assert near.distance_km == pytest.approx(55.4, abs=0.5)
    assert not far.in_lampung and far.nearest_place == "Town" and far.province == LAMPUNG
    assert locator.locate(-5.9, 105.9).province == "Banten"


def test_window_must_cover_lampung_plus_twice_the_cap() -> None:
    with pytest.raises(ValueError, match="too small"):
        NearestPlaceLocator([TOWN], window=WINDOW, max_distance_km=300.0)
    with pytest.raises(ValueError, match="no Lampung places"):
        NearestPlaceLocator([ELSEWHERE], window=WINDOW)
    with pytest.raises(ValueError, match="positive"):
        NearestPlaceLocator([TOWN], window=WINDOW, max_distance_km=0.0)
