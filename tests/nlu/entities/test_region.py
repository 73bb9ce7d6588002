"""nlu.entities.region: kabupaten/kota names -> canonical code."""

from __future__ import annotations

import pytest

from tests.nlu.entities.helpers import only


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("jalan rusak di bandar lampung", "bandar_lampung", "bandar lampung"),
        ("BANDARLAMPUNG banjir", "bandar_lampung", "BANDARLAMPUNG"),
        ("Bandar  Lampung", "bandar_lampung", "Bandar  Lampung"),
        ("di balam min", "bandar_lampung", "balam"),
        ("bdl", "bandar_lampung", "bdl"),
        ("saya di b. lampung", "bandar_lampung", "b. lampung"),
        ("B.Lampung", "bandar_lampung", "B.Lampung"),
        ("kota metro", "metro", "kota metro"),
        ("lampu mati di Metro.", "metro", "Metro"),
        ("kab. lampung tengah", "lampung_tengah", "kab. lampung tengah"),
        ("kabupaten lampung selatan", "lampung_selatan", "kabupaten lampung selatan"),
        ("lamsel", "lampung_selatan", "lamsel"),
        ("Lamteng", "lampung_tengah", "Lamteng"),
        ("lamtim", "lampung_timur", "lamtim"),
        ("lampura", "lampung_utara", "lampura"),
        ("lambar", "lampung_barat", "lambar"),
        ("di lampung utara", "lampung_utara", "lampung utara"),
        ("lampung barat", "lampung_barat", "lampung barat"),
        ("Lampung Timur", "lampung_timur", "Lampung Timur"),
        ("tulang bawang", "tulang_bawang", "tulang bawang"),
        ("tulangbawang", "tulang_bawang", "tulangbawang"),
        ("di tuba", "tulang_bawang", "tuba"),
        ("tulang bawang barat", "tulang_bawang_barat", "tulang bawang barat"),
        ("tubaba", "tulang_bawang_barat", "tubaba"),
        ("tanggamus", "tanggamus", "tanggamus"),
        ("way kanan", "way_kanan", "way kanan"),
        ("Waykanan", "way_kanan", "Waykanan"),
        ("pesawaran", "pesawaran", "pesawaran"),
        ("pringsewu", "pringsewu", "pringsewu"),
        ("mesuji", "mesuji", "mesuji"),
        ("pesisir barat", "pesisir_barat", "pesisir barat"),
        ("pesibar", "pesisir_barat", "pesibar"),
        ("gunung sugih", "lampung_tengah", "gunung sugih"),
        ("kalianda", "lampung_selatan", "kalianda"),
        ("kotabumi", "lampung_utara", "kotabumi"),
        ("kota bumi", "lampung_utara", "kota bumi"),
        ("liwa", "lampung_barat", "liwa"),
        ("sukadana", "lampung_timur", "sukadana"),
        ("menggala", "tulang_bawang", "menggala"),
        ("panaragan", "tulang_bawang_barat", "panaragan"),
        ("kota agung", "tanggamus", "kota agung"),
        ("blambangan umpu", "way_kanan", "blambangan umpu"),
        ("gedong tataan", "pesawaran", "gedong tataan"),
        ("pantai di krui", "pesisir_barat", "krui"),
    ],
)
def test_region(text: str, value: str, surface: str) -> None:
    assert only(text, "region") == [(value, surface)]


def test_region_longest_and_several() -> None:
    text = "dari tubaba ke tuba lalu ke tulang bawang barat"
    assert only(text, "region") == [
        ("tulang_bawang_barat", "tubaba"),
        ("tulang_bawang", "tuba"),
        ("tulang_bawang_barat", "tulang bawang barat"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "provinsi lampung",
        "lampungnya bagus",
        "tubanya",
        "lamselku",
        "metropolitan",
        "kota besar",
        "kabupaten sebelah",
        "palembang",
    ],
)
def test_no_region(text: str) -> None:
    assert only(text, "region") == []
