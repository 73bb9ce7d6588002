"""The "emergency now" detector (nlu/emergency.py): the held-out set through the full
parse, the rules of the lexicon one by one, and what the parser reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nlu.__main__ import main as cli_main
from nlu.emergency import (
    EMERGENCY_ENTITY,
    EMERGENCY_INTENT,
    EmergencyDetector,
    is_emergency,
)
from nlu.emergency_eval import evaluate_emergency, read_emergency_set
from nlu.normalize import Normalizer
from nlu.parser import NluParser
from nlu.training_data import DEFAULT_DATA_DIR, data_files, load_examples

MIN_PRECISION = 0.95


@pytest.fixture(scope="module")
def parser(nlu_model_dir: Path) -> NluParser:
    return NluParser.load(nlu_model_dir)


@pytest.fixture(scope="module")
def detector() -> EmergencyDetector:
    return EmergencyDetector.from_file(Normalizer.from_file())


# --- the held-out set ------------------------------------------------------------


def test_every_emergency_of_the_set_is_found_with_few_false_alarms(parser: NluParser) -> None:
    positives, negatives = read_emergency_set()
    assert len(positives) >= 60 and len(negatives) >= 120
    report = evaluate_emergency(parser.parse, positives, negatives)
    print(f"\nemergency recall {report['recall']:.3f} precision {report['precision']:.3f}")
    assert report["missed"] == []
    assert report["recall"] == 1.0
    assert report["precision"] >= MIN_PRECISION, report["false_alarms"]


def test_the_set_is_held_out_from_the_training_data() -> None:
    normalize = Normalizer.from_file()
    training = {normalize(ex.text): ex.intent for ex in load_examples(data_files(DEFAULT_DATA_DIR))}
    positives, negatives = read_emergency_set()
    assert [t for t in positives if normalize(t) in training] == []
    # One-word commands ("ya", "batal") are training examples of their own intents.
    assert [t for t in negatives if training.get(normalize(t)) == EMERGENCY_INTENT] == []


def test_the_evaluation_command_prints_numbers_and_confusions(
    nlu_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "set.yml"
    data.write_text(
        "emergency: [ada orang tenggelam di kali, jalan rusak parah]\n"
        "not_emergency: [di belakang rumah saya, kemarin ada kebakaran di pasar, "
        "tolong ada yang pingsan]\n",
        encoding="utf-8",
    )
    assert cli_main(["emergency", "--data", str(data), "--model", str(nlu_model_dir)]) == 0
    out = capsys.readouterr().out
    assert "recall 0.500, precision 0.500" in out
    assert "missed (1):\n  jalan rusak parah" in out
    assert "tolong ada yang pingsan  [medis]" in out


# --- the rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("kami terjebak di lantai 2", "terjebak"),
        ("pohon tumbang menimpa orang, korbannya kejepit", "tertimpa"),
        ("tolong pemadam kebakaran rumah saya terbakar", "kebakaran"),  # the service is masked
        ("kalau bisa cepat kirim ambulans ada yang pingsan", "medis"),  # a request, not "if"
        ("sering kecelakaan di sini, barusan ada lagi korbannya ga gerak", "medis"),
        ("kemarin anak saya hanyut di sungai sampai sekarang belum ditemukan", "tenggelam"),
        ("dulu pernah kebanjiran tp ini paling parah kami terjebak di atap", "terjebak"),
        ("atap rumah roboh nimpa penghuninya", "tertimpa"),  # a word group: {orang}
        ("perahu nelayan terbalik", "tenggelam"),  # `*`: one optional word
    ],
)
def test_danger_now(detector: EmergencyDetector, text: str, kind: str) -> None:
    found = detector.detect(text)
    assert found is not None and found.kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "kemarin ada kebakaran sekarang puing belum dibersihkan",  # past, no comma
        "kemarin ada kecelakaan, korbannya luka parah, tolong jalannya diperbaiki",
        "jalan ini sering kecelakaan",  # habit
        "rawan kecelakaan krn lubang besar",  # risk before the danger word
        "kabel menjuntai takut ada yg kesetrum",
        "bekas kebakaran ruko dibiarkan",
        "tabrakan ringan ga ada yg luka",  # resolved
        "hidran kebakaran rusak",  # a service or an object
        "terjebak macet 2 jam",
        "ktp kebakar sebagian, masih bisa diganti?",
        "tolong jalan diperbaiki",
        "di belakang rumah saya",
        "api kabar",  # Lampung: "apa kabar"
    ],
)
def test_no_danger_now(detector: EmergencyDetector, text: str) -> None:
    assert detector.detect(text) is None


def test_the_span_is_the_clause_that_says_it(detector: EmergencyDetector) -> None:
    text = "Jalan rusak parah.  Tolong, ada yg PINGSAN di sini!!"
    found = detector.detect(text)
    assert found is not None
    assert text[found.start : found.end] == "ada yg PINGSAN di sini"


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ({"danger": {}}, "`danger` must map kinds"),
        ({"danger": {"x": ["* api"]}}, "`*` only between words"),
        ({"danger": {"x": ["nimpa {manusia}"]}}, "no group {manusia}"),
        ({"danger": {"x": [True]}}, "must be a list of phrases"),
    ],
)
def test_a_broken_lexicon_fails_loudly(raw: dict[str, Any], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        EmergencyDetector(raw, str.lower)


# --- what the parser reports -------------------------------------------------------


def test_an_emergency_is_the_darurat_intent_and_entity(parser: NluParser) -> None:
    parsed = parser.parse("kami terjebak di lantai 2")
    assert parsed["intent"] == {"name": EMERGENCY_INTENT, "confidence": 1.0}
    assert parsed["intent_ranking"][0]["name"] == EMERGENCY_INTENT
    assert is_emergency(parsed)
    [entity] = [e for e in parsed["entities"] if e["entity"] == EMERGENCY_ENTITY]
    assert entity["value"] == "terjebak"


def test_a_clear_complaint_keeps_its_category_and_is_flagged(parser: NluParser) -> None:
    parsed = parser.parse("pohon tumbang menimpa orang, korbannya kejepit")
    assert parsed["intent"]["name"] == "lapor"
    assert is_emergency(parsed)


def test_the_classifier_alone_never_says_emergency(parser: NluParser) -> None:
    for text in ("di belakang rumah saya", "rumah saya", "tolong ya min"):
        parsed = parser.parse(text)
        assert parsed["intent"]["name"] != EMERGENCY_INTENT, text
        assert EMERGENCY_INTENT not in {r["name"] for r in parsed["intent_ranking"]}
        assert not is_emergency(parsed)


def test_a_button_payload_is_no_emergency(parser: NluParser) -> None:
    assert not is_emergency(parser.parse("/darurat"))
    assert not is_emergency(parser.parse('/pilih_kategori{"kategori": "jalan_rusak"}'))
