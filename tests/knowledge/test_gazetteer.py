"""The offline gazetteer: typed place names -> Lampung's villages, kecamatan and
kabupaten/kota, with centroids (knowledge/geo/gazetteer.py)."""

from __future__ import annotations

import pytest

from knowledge.geo.gazetteer import Gazetteer, default_gazetteer
from knowledge.geo.places import (
    DESA,
    DISTRICT,
    KABUPATEN,
    KECAMATAN,
    KELURAHAN,
    KOTA,
    REGION,
    VILLAGE,
    Reading,
)
from knowledge.geo.region import load_villages, locate
from knowledge.regions import all_regions


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return default_gazetteer()


def names(reading: Reading) -> list[tuple[str, str, str]]:
    return [(m.place.kind, m.place.name, m.place.region_code) for m in reading.matches]


def test_it_holds_every_lampung_village_kecamatan_and_kabupaten(gazetteer: Gazetteer) -> None:
    lampung = [v for v in load_villages() if v.province == "Lampung"]
    places = gazetteer.places()
    by_level = {
        level: [p for p in places if p.level == level] for level in (VILLAGE, DISTRICT, REGION)
    }
    assert len(by_level[VILLAGE]) == len(lampung) == 2640
    assert len(by_level[DISTRICT]) == len({v.code[:6] for v in lampung}) == 229
    assert {p.region_code for p in by_level[REGION]} == {r.code for r in all_regions()}
    assert {p.kind for p in by_level[REGION]} == {KOTA, KABUPATEN}
    # Kemendagri codes: a kelurahan's village part starts with 1, a desa's with 2.
    raya = gazetteer.place("v:1871101008")
    assert raya is not None and (raya.kind, raya.name) == (KELURAHAN, "Rajabasa Raya")
    assert {p.kind for p in by_level[VILLAGE]} == {KELURAHAN, DESA}


def test_every_kecamatan_and_kabupaten_centroid_lies_in_its_own_kabupaten(
    gazetteer: Gazetteer,
) -> None:
    for place in gazetteer.places():
        if place.level != VILLAGE:
            assert locate(place.lat, place.lon).region_code == place.region_code, place


def test_exact_name(gazetteer: Gazetteer) -> None:
    reading = gazetteer.read("Rajabasa Raya")
    assert names(reading) == [(KELURAHAN, "Rajabasa Raya", "bandar_lampung")]
    best = reading.matches[0].place
    assert (best.lat, best.lon) == (-5.354293, 105.240231)  # the village's centroid
    assert best.district == "Rajabasa" and best.region_name == "Kota Bandar Lampung"
    assert reading.mostly_place


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("rajabsa raya", (KELURAHAN, "Rajabasa Raya", "bandar_lampung")),  # a letter missing
        ("sukarme", (KELURAHAN, "Sukarame", "bandar_lampung")),
        ("way halm", (KECAMATAN, "Way Halim", "bandar_lampung")),
        ("gedong menneng", (KELURAHAN, "Gedong Meneng", "bandar_lampung")),
    ],
)
def test_typos(gazetteer: Gazetteer, typed: str, expected: tuple[str, str, str]) -> None:
    assert expected in names(gazetteer.read(typed))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("kel. rajabasa raya", (KELURAHAN, "Rajabasa Raya", "bandar_lampung")),
        ("Kel. Rajabasa Raya, Kec. Rajabasa, Kota Bandar Lampung",
         (KELURAHAN, "Rajabasa Raya", "bandar_lampung")),
        ("kec. way halim", (KECAMATAN, "Way Halim", "bandar_lampung")),
        ("kecamatan kemiling", (KECAMATAN, "Kemiling", "bandar_lampung")),
        ("kab. pesawaran", (KABUPATEN, "Pesawaran", "pesawaran")),
        ("kota metro", (KOTA, "Metro", "metro")),
        ("desa natar", (DESA, "Natar", "lampung_selatan")),
        ("di tanjung karang", (KELURAHAN, "Tanjungkarang", "bandar_lampung")),  # "Tanjungkarang"
        ("tj. karang", (KELURAHAN, "Tanjungkarang", "bandar_lampung")),
    ],
)  # fmt: skip
def test_kind_words_and_short_forms(
    gazetteer: Gazetteer, typed: str, expected: tuple[str, str, str]
) -> None:
    assert names(gazetteer.read(typed))[0] == expected


def test_a_kind_word_prefers_that_kind(gazetteer: Gazetteer) -> None:
    """ "kec. rajabasa": the kecamatan (two kabupaten have one), not the villages."""
    assert {kind for kind, _, _ in names(gazetteer.read("kec. rajabasa"))} == {KECAMATAN}
    assert names(gazetteer.read("kel. rajabasa"))[0] == (KELURAHAN, "Rajabasa", "bandar_lampung")


def test_a_name_many_kabupaten_have_gives_several_places(gazetteer: Gazetteer) -> None:
    reading = gazetteer.read("sidodadi")
    assert len(reading.matches) == 3
    assert len({m.place.region_code for m in reading.matches}) == 3  # one per kabupaten first
    assert all(m.place.name.replace(" ", "").lower() == "sidodadi" for m in reading.matches)


def test_the_kecamatan_or_kabupaten_named_beside_it_decides(gazetteer: Gazetteer) -> None:
    best = gazetteer.read("desa sidodadi kec. way lima").matches[0].place
    assert (best.name, best.district, best.region_code) == ("Sidodadi", "Way Lima", "pesawaran")
    within = gazetteer.read("sidodadi, pesawaran").matches[:2]
    assert {(m.place.district, m.place.region_code) for m in within} == {
        ("Way Lima", "pesawaran"), ("Teluk Pandan", "pesawaran"),
    }  # fmt: skip


def test_only_within_a_chosen_kabupaten(gazetteer: Gazetteer) -> None:
    reading = gazetteer.read("sidodadi", region="pesawaran")
    assert [m.place.district for m in reading.matches] == ["Way Lima", "Teluk Pandan"]
    assert gazetteer.read("rajabasa raya", region="metro").matches == []


def test_a_name_spelt_as_in_the_data_is_not_second_guessed(gazetteer: Gazetteer) -> None:
    # "Way Halom" (Tanggamus) only looks like it; "Way Halim Permai" starts with it.
    assert names(gazetteer.read("way halim")) == [
        (KECAMATAN, "Way Halim", "bandar_lampung"),
        (KELURAHAN, "Way Halim Permai", "bandar_lampung"),
    ]


def test_a_kabupaten_short_form_found_by_the_nlu_counts(gazetteer: Gazetteer) -> None:
    text = "depan pasar, balam"
    start = text.index("balam")
    reading = gazetteer.read(text, region_hints=[("bandar_lampung", start, start + 5)])
    assert (KOTA, "Bandar Lampung", "bandar_lampung") in names(reading)


def test_street_names_are_not_taken_for_places(gazetteer: Gazetteer) -> None:
    """ "Pagar" is a desa of Lampung Utara; in "jl. ZA Pagar Alam" it is a street."""
    text = "di jl. ZA Pagar Alam depan Unila"
    start = text.index("ZA")
    reading = gazetteer.read(text, street_spans=[(start, start + len("ZA Pagar Alam"))])
    assert reading.matches == []
    assert reading.address_like  # still an address: ask for the kabupaten/kota


@pytest.mark.parametrize(
    "typed", ["udah 3 hari", "keruh kaya teh susu", "tolong cepat diperbaiki", "ok", ""]
)
def test_nothing_matches_and_it_is_no_address(gazetteer: Gazetteer, typed: str) -> None:
    reading = gazetteer.read(typed)
    assert reading.matches == [] and not reading.address_like


def test_an_address_with_no_known_place(gazetteer: Gazetteer) -> None:
    reading = gazetteer.read("di belakang rumah saya, gang buntu rt 03")
    assert reading.matches == [] and reading.address_like


def test_a_place_in_a_longer_sentence_is_not_most_of_it(gazetteer: Gazetteer) -> None:
    reading = gazetteer.read("airnya keruh dan bau sejak minggu lalu sukarame")
    assert reading.matches and not reading.mostly_place and not reading.address_like
    after_di = gazetteer.read("airnya keruh di sukarame")
    assert after_di.address_like  # "di <place>" says where
