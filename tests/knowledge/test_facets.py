"""Which facet a question asks (knowledge/facets.yml) and which topic it is about
(knowledge/topic_choice.py). These examples are the editors' own; the held-out
questions are in tests/data/service_questions*.yml (test_service_answers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.facets import FacetError, asked_facet, facet_book, load_facets
from knowledge.topic_choice import choose, named_topics


@pytest.mark.parametrize(
    ("text", "facet"),
    [
        ("bikin paspor brp lama jadinya", "lama"),
        ("bayar pajak motor telat denda berapa", "denda"),  # a fine, not a fee
        ("pajak mobil bisa bayar di indomaret?", "online"),  # a payment channel
        ("jam buka mpp bandar lampung", "jam"),
        ("syarat bikin sim", "syarat"),
        ("harus bawa apa aja", "syarat"),
        ("biayanya brp kak", "biaya"),
        ("itu gratis gak sih", "biaya"),
        ("kantornya dimana ya", "tempat"),
        ("gmn caranya", "langkah"),
        ("piye carane", "langkah"),
        ("nomornya berapa yang bisa dihubungi", "kontak"),
        ("skck berlaku berapa bulan", "lama"),
        ("sabtu buka gak", "jam"),
        ("how much is it", "biaya"),
        ("what documents do i need", "syarat"),
        ("mau tanya soal sim dong", None),
        ("secara umum ktp itu apa", None),  # "secara" is not "cara"
        ("nomor induk berusaha itu apa", None),  # a number that is no contact
        ("syarat perpanjang paspor yang masa berlakunya habis", "syarat"),
    ],
)  # fmt: skip
def test_the_facet_asked(text: str, facet: str | None) -> None:
    assert asked_facet(text) == facet


def test_sources_are_asked_for() -> None:
    book = facet_book()
    assert book.wants_sources("sumbernya apa?")
    assert book.wants_sources("dasar hukumnya mana")
    assert not book.wants_sources("syaratnya apa")


def test_every_facet_has_a_button_in_order() -> None:
    book = facet_book()
    assert [f.id for f in book.in_button_order()][:3] == ["syarat", "biaya", "lama"]
    assert sorted(book.button_order) == sorted(book.ids)


def test_a_broken_facet_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "facets.yml"
    path.write_text(
        "facets:\n  - id: biaya\n    label: Biaya\n    button: Biaya\n"
        "    cues: ['(unclosed']\nbuttons: [biaya]\nsources_cues: [sumber]\n"
    )
    with pytest.raises(FacetError, match="biaya"):
        load_facets(path)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("cara bikin ID card", "ktp_baru"),
        ("driving licence renewal", "sim"),
        ("vehicle tax", "pajak_kendaraan"),
        ("building permit", "pbg"),
        ("business licence", "izin_usaha"),
        ("passport", "paspor"),
        ("birth certificate", "akta_kelahiran"),
        ("bayar di samsat", "pajak_kendaraan"),
        ("mau urus akta kematiannya", "akta_kematian"),  # with the suffix -nya
        ("ktp hilang", "ktp_hilang_rusak"),  # the longer name first
    ],
)  # fmt: skip
def test_the_service_named(text: str, topic: str) -> None:
    assert named_topics(text)[0][0] == topic


def test_a_follow_up_is_about_the_recent_topic() -> None:
    choice = choose("terus biayanya berapa?", recent_topic="ktp_baru", recent_facet="syarat")
    assert (choice.topic and choice.topic.id, choice.facet, choice.how) == (
        "ktp_baru", "biaya", "context")  # fmt: skip
    # Without a recent topic there is nothing to attach it to.
    assert choose("terus biayanya berapa?").topic is None


def test_a_named_service_beats_the_recent_one_and_keeps_the_facet() -> None:
    choice = choose("kalo sim?", recent_topic="paspor", recent_facet="biaya")
    assert (choice.topic and choice.topic.id, choice.facet) == ("sim", "biaya")
    # A longer message that names a service but asks nothing more gets the overview.
    long = choose("oh iya saya juga mau tanya soal sim untuk anak saya", recent_topic="paspor",
                  recent_facet="biaya")  # fmt: skip
    assert (long.topic and long.topic.id, long.facet) == ("sim", None)


def test_the_classifier_tells_apart_services_with_a_shared_name() -> None:
    """ "ktp saya hilang" names "ktp", which the lost-KTP topic's names contain too."""
    choice = choose("ktp saya hilang dicopet", nlu_topic="ktp_hilang_rusak")
    assert choice.topic is not None and choice.topic.id == "ktp_hilang_rusak"
    # But a service the classifier did not guess, and which it shares no name with, wins.
    choice = choose("samsat buka jam berapa", nlu_topic="mal_pelayanan_publik")
    assert choice.topic is not None and choice.topic.id == "pajak_kendaraan"


def test_of_several_services_named_the_question_is_about_the_one_it_follows() -> None:
    choice = choose("bikin paspor pertama kali, berkasnya apa aja? akte lahir wajib ga?")
    assert (choice.topic and choice.topic.id, choice.facet) == ("paspor", "syarat")
    choice = choose("ktp nya lampung timur, akta kematiannya diurus di kantor mana ya")
    assert (choice.topic and choice.topic.id, choice.facet) == ("akta_kematian", "tempat")


def test_of_several_facets_named_outright_the_first_is_asked() -> None:
    assert asked_facet("bagaimana alur pengajuan sktm untuk keringanan biaya rs") == "langkah"
    assert asked_facet("biaya dan syarat bikin paspor") == "biaya"
    assert asked_facet("gedung mpp tulang bawang lokasinya dimana") == "tempat"  # not "bawa"
