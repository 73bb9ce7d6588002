"""What counts as a correction and as several problems (actions/report/corrections.py,
actions/report/problems.py, nlu/clauses.py): typed the way people type, and the
descriptions that must stay descriptions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker

import nlu
from actions.report.corrections import Correction, find_correction
from actions.report.problems import problems_in
from nlu.clauses import split_clauses


@pytest.fixture(autouse=True)
def _model(nlu_model_dir: Path) -> None:
    nlu.get_parser(nlu_model_dir)


def _tracker(text: str, kategori: str | None = "sampah", asked: str = "konfirmasi") -> Tracker:
    parsed: dict[str, Any] = nlu.parse(text)
    return Tracker("console:budi", {"kategori": kategori, "requested_slot": asked}, parsed, [],
                   False, None, {"name": "laporan_form"}, "action_listen")  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ubah kategori", Correction("kategori")),
        ("salah kategori", Correction("kategori")),
        ("ganti lokasinya", Correction("lokasi")),
        ("lokasinya salah", Correction("lokasi")),
        ("titiknya keliru min", Correction("lokasi")),
        ("fotonya salah", Correction("foto")),
        ("gambarnya mau saya ganti", Correction("foto")),
        ("uraiannya mau saya ubah", Correction("deskripsi")),
        ("eh bukan, maksud saya lampu jalan", Correction("kategori", "penerangan_jalan")),
        ("salah, bukan sampah tapi banjir", Correction("kategori", "banjir_drainase")),
        ("bukan, jalan rusak", Correction("kategori", "jalan_rusak")),
        ("ralat, yang benar air pdam", Correction("kategori", "air_bersih")),
        ("bukan sampah", Correction("kategori")),  # the current one denied: ask again
        ("ada yang salah", Correction(None)),
        ('/ubah{"bagian": "foto"}', Correction("foto")),
        ("/ubah", Correction(None)),
    ],
)
def test_corrections(text: str, expected: Correction) -> None:
    assert find_correction(_tracker(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ya",
        "tidak",
        "salah satu lampu di gang kami mati",
        "bukan cuma sampah, tapi juga banjir kalau hujan deras",
        "maksudnya sampahnya sudah seminggu",  # the same category: more detail, no change
        "lokasinya di depan masjid al ikhlas",
        "fotonya nanti saya kirim",
        "sampah numpuk di pinggir jalan way halim udah seminggu gak diangkut, baunya parah",
    ],
)
def test_not_corrections(text: str) -> None:
    assert find_correction(_tracker(text, asked="foto")) is None


def test_clauses_split_on_commas_and_joining_words() -> None:
    assert split_clauses("jalan rusak, lampu mati + sampah numpuk terus banjir") == [
        "jalan rusak", "lampu mati", "sampah numpuk", "banjir",
    ]  # fmt: skip
    assert split_clauses("air mati dan\nlistrik padam sama got mampet") == [
        "air mati", "listrik padam", "got mampet",
    ]  # fmt: skip
    assert split_clauses("sandal jepit") == ["sandal jepit"]  # "dan" only as a word


# Written from how people report, not from the training data.
SEVERAL = {
    "jalan rusak, lampu mati, sampah numpuk": ["jalan_rusak", "penerangan_jalan", "sampah"],
    "sampah numpuk terus banjir kalau hujan": ["sampah", "banjir_drainase"],
    "jalan berlubang dan lampu jalan mati semua": ["jalan_rusak", "penerangan_jalan"],
    "lampu pju mati + got mampet": ["penerangan_jalan", "banjir_drainase"],
    "air pdam mati sama listrik padam dari pagi": ["air_bersih", "listrik"],
    "sampah ga diangkut seminggu, selokan mampet": ["sampah", "banjir_drainase"],
    "pohon tumbang nutup jalan, kabel listrik putus": ["lingkungan", "listrik"],
    "trotoar rusak dan lampu taman mati": ["fasilitas_umum", "penerangan_jalan"],
    "lampu merah mati, jalan berlubang": ["lalu_lintas", "jalan_rusak"],
}
ONE = [
    "jalan di depan sdn 2 rajabasa berlubang besar, sudah banyak motor jatuh",
    "sampah numpuk di pinggir jalan, baunya menyengat, lalat banyak",
    "air pdam mati udah 3 hari, keruh kaya teh susu",
    "lampu jalan mati, gelap banget, rawan begal",
    "jalan rusak dan berlubang, sudah lama tidak diperbaiki",
    "banjir setinggi lutut, rumah warga kemasukan air",
    "ada pungli di kelurahan, dimintai 50rb sama petugas",
    "puskesmas tutup padahal jam kerja, pasien terlantar",
    "sekolah rusak, atapnya bocor dan plafon jebol",
    "macet parah tiap pagi, lampu lalu lintas mati",
    "sampah, banyak banget di got",
    "lampu mati terus dan gelap",
]


@pytest.mark.parametrize("text", list(SEVERAL))
def test_several_problems_are_found_in_order(text: str) -> None:
    assert [p.category for p in problems_in(text)] == SEVERAL[text]


@pytest.mark.parametrize("text", ONE)
def test_one_problem_in_several_clauses_is_one(text: str) -> None:
    assert problems_in(text) == []
