"""Asking for a person (intent minta_petugas) on phrasings the model never saw, and
complaints that merely name a "petugas" staying complaints."""

from __future__ import annotations

from pathlib import Path

import pytest

import nlu

ASKING = (
    "bisa ngobrol sama orang?",
    "hubungkan ke admin",
    "min tolong dibales orang beneran",
    "saya ingin berbicara dengan petugas",
    "bisa disambungkan ke operator manusia?",
    "aku mau ngomong ama admin beneran",
    "pengen ngobrol sama petugas langsung",
    "saya mau ngobrol dengan orang, bukan bot",
    "bisa sambungin ke petugas kecamatan?",
    "tolong hubungkan ke petugas pemkot",
)
COMPLAINTS = (
    "oknum petugas minta duit lagi",
    "petugas parkir minta 5rb",
    "petugas dukcapil minta imbalan",
    "petugas kelurahan minta uang rokok",
    "petugas samsat minta uang tambahan",
    "petugas kelurahan ga ramah",
    "petugas kebersihan ga ngambil sampah udah seminggu",
)


@pytest.fixture(scope="module")
def parser(nlu_model_dir: Path) -> nlu.NluParser:
    return nlu.get_parser(nlu_model_dir)


@pytest.mark.parametrize("text", ASKING)
def test_asking_for_a_person(parser: nlu.NluParser, text: str) -> None:
    assert parser.parse(text)["intent"]["name"] == "minta_petugas"


@pytest.mark.parametrize("text", COMPLAINTS)
def test_a_complaint_about_staff_is_no_request_for_a_person(
    parser: nlu.NluParser, text: str
) -> None:
    assert parser.parse(text)["intent"]["name"] == "lapor"
