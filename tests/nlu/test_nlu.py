"""NLU tests: one real training run per session (into a tmp dir), then behaviour."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

import nlu
from nlu.__main__ import main as cli_main
from nlu.config import DEFAULT_CONFIG_PATH, load_config, parse_config
from nlu.entities import TicketNumberExtractor
from nlu.evaluate import evaluate
from nlu.model_store import META_FILE
from nlu.normalize import Normalizer
from nlu.parser import NluModelMissing, NluParser, parse_payload
from nlu.train import train
from nlu.training_data import (
    DEFAULT_DATA_DIR,
    DEFAULT_TEST_DATA,
    data_files,
    find_conflicts,
    load_examples,
    read_examples,
)

MIN_HELD_OUT_ACCURACY = 0.75


@pytest.fixture(scope="module")
def normalize() -> Normalizer:
    return Normalizer.from_file()


@pytest.fixture(scope="module")
def tickets() -> TicketNumberExtractor:
    return TicketNumberExtractor.from_file()


# --- classification ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        (
            "jalan di depan sdn 2 rajabasa berlubang besar, sudah banyak motor jatuh",
            "lapor/jalan_rusak",
        ),
        ("gmn cara bikin ktp?", "faq/ktp_baru"),
        ("cek LPG-2026-000001", "cek_status"),
        ("ya", "affirm"),
        ("tidak", "deny"),
        ("batal", "batal"),
        ("bantuan", "bantuan"),
        ("halo min", "greet"),
        ("ada kebakaran di pasar!!", "darurat"),
        ("mpp terdekat dimana", "cari_mpp"),
        ("saya mau lapor", "lapor_umum"),
        ("ga ada foto", "lewati"),
        ("lampu jalan di depan rumah mati", "lapor/penerangan_jalan"),
        ("sampahe ora diangkut", "lapor/sampah"),
    ],
)
def test_classifies_examples(parser: NluParser, text: str, label: str) -> None:
    result = parser.parse(text)
    assert (result["full_retrieval_intent"] or result["intent"]["name"]) == label, result


def test_held_out_accuracy(parser: NluParser) -> None:
    report = evaluate(parser, read_examples(DEFAULT_TEST_DATA))
    print(f"\nheld-out accuracy {report['accuracy']:.3f} macro-F1 {report['macro_f1']:.3f}")
    assert report["accuracy"] >= MIN_HELD_OUT_ACCURACY, report["errors"]


def test_held_out_is_disjoint_and_covers_all_labels(normalize: Normalizer) -> None:
    training = load_examples(data_files(DEFAULT_DATA_DIR))
    held_out = read_examples(DEFAULT_TEST_DATA)
    seen = {normalize(ex.text) for ex in training}
    assert [ex.text for ex in held_out if normalize(ex.text) in seen] == []
    assert {ex.intent for ex in held_out} == {ex.intent for ex in training}


def test_training_data_has_no_conflicts_and_enough_examples(normalize: Normalizer) -> None:
    examples = load_examples(data_files(DEFAULT_DATA_DIR))
    assert find_conflicts(examples, normalize) == []
    counts: dict[str, int] = {}
    for ex in examples:
        counts[ex.intent] = counts.get(ex.intent, 0) + 1
    for label, count in counts.items():
        assert count >= (12 if label.startswith("faq/") else 20), (label, count)
    assert len([label for label in counts if label.startswith("lapor/")]) == 14
    assert len([label for label in counts if label.startswith("faq/")]) == 16


# --- parse() shape -------------------------------------------------------------


def test_parse_shape_for_retrieval_intent(parser: NluParser) -> None:
    text = "sampah di depan rumah numpuk ga diangkut seminggu"
    result = parser.parse(text)
    assert result["text"] == text
    assert result["intent"]["name"] == "lapor"
    assert result["full_retrieval_intent"] == "lapor/sampah"
    ranking = result["intent_ranking"]
    assert 1 <= len(ranking) <= 10
    assert ranking == sorted(ranking, key=lambda r: -r["confidence"])
    assert result["confidence"] == ranking[0]["confidence"]
    # Intent confidence sums every lapor/* probability, so it bounds the top label.
    assert result["intent"]["confidence"] >= result["confidence"]
    selector = result["response_selector"]
    assert set(selector) == {"all_retrieval_intents", "lapor"}
    response = selector["lapor"]["response"]
    assert response["intent_response_key"] == "lapor/sampah"
    assert 0.0 < response["confidence"] <= 1.0
    assert result["normalized_text"] == "sampah di depan rumah numpuk tidak diangkut seminggu"
    json.dumps(result)  # plain JSON types only


def test_parse_shape_for_plain_intent(parser: NluParser) -> None:
    result = parser.parse("makasih banyak min")
    assert result["intent"]["name"] == "terima_kasih"
    assert result["full_retrieval_intent"] is None
    assert result["response_selector"] == {}
    assert result["intent"]["confidence"] == pytest.approx(result["confidence"])


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_text(parser: NluParser, text: str) -> None:
    result = parser.parse(text)
    assert result["intent"] == {"name": "out_of_scope", "confidence": 0.0}
    assert result["full_retrieval_intent"] is None
    assert result["entities"] == [] and result["intent_ranking"] == []
    assert nlu.parse(text)["intent"] == {"name": "out_of_scope", "confidence": 0.0}


@pytest.mark.parametrize("text", ["😡😡😡", "?!?!", "xqzvw plokmn"])
def test_nothing_known_is_out_of_scope_with_zero_confidence(parser: NluParser, text: str) -> None:
    assert parser.parse(text)["intent"] == {"name": "out_of_scope", "confidence": 0.0}


def test_very_long_text_is_truncated_not_fatal(parser: NluParser) -> None:
    text = "jalan rusak parah di rajabasa " * 4000  # ~120k chars
    result = parser.parse(text)
    assert result["text"] == text
    assert result["full_retrieval_intent"] == "lapor/jalan_rusak"
    assert len(result["normalized_text"]) < 5000


def test_parse_is_thread_safe(parser: NluParser) -> None:
    texts = ["halo min", "ya", "jalan rusak parah", "cek tiket 77"] * 10
    expected = [parser.parse(t)["intent"]["name"] for t in texts]
    results: list[list[str]] = []

    def work() -> None:
        results.append([parser.parse(t)["intent"]["name"] for t in texts])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4


# --- "/" payloads ----------------------------------------------------------------


def test_payload_plain_intent() -> None:
    result = parse_payload("/affirm")
    assert result is not None
    assert result["intent"] == {"name": "affirm", "confidence": 1.0}
    assert result["full_retrieval_intent"] is None
    assert result["confidence"] == 1.0 and result["entities"] == []
    assert result["intent_ranking"] == [{"name": "affirm", "confidence": 1.0}]


def test_payload_with_entities_for_untrained_intent() -> None:
    text = '/pilih_kategori{"kategori": "sampah", "tags": ["a", "b"]}'
    result = parse_payload(text)
    assert result is not None
    assert result["intent"] == {"name": "pilih_kategori", "confidence": 1.0}
    values = [(e["entity"], e["value"]) for e in result["entities"]]
    assert values == [("kategori", "sampah"), ("tags", "a"), ("tags", "b")]
    entity = result["entities"][0]
    assert text[entity["start"] : entity["end"]].startswith("{")


def test_payload_retrieval_intent() -> None:
    result = parse_payload("/lapor/sampah")
    assert result is not None
    assert result["intent"] == {"name": "lapor", "confidence": 1.0}
    assert result["full_retrieval_intent"] == "lapor/sampah"
    response = result["response_selector"]["lapor"]["response"]
    assert response == {
        "intent_response_key": "lapor/sampah",
        "confidence": 1.0,
        "utter_action": "utter_lapor/sampah",
    }


def test_payload_edge_cases() -> None:
    bad_json = parse_payload('/pilih_kategori{"kategori": }')
    assert bad_json is not None and bad_json["entities"] == []
    assert parse_payload("/start@LaporinBot")["intent"]["name"] == "start"  # type: ignore[index]
    assert parse_payload("ya") is None
    assert parse_payload("/ bukan payload") is None


def test_payloads_need_no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("model must not be loaded for payloads")

    monkeypatch.setattr(nlu, "get_parser", fail)
    assert nlu.parse("/deny")["intent"]["name"] == "deny"


# --- module API ------------------------------------------------------------------


def test_module_parse_loads_lazily_once(model_dir: Path) -> None:
    nlu.reset()
    try:
        first = nlu.get_parser(model_dir)
        assert nlu.get_parser() is first
        assert nlu.parse("halo min")["intent"]["name"] == "greet"
    finally:
        nlu.reset()


def test_missing_model_raises(tmp_path: Path) -> None:
    with pytest.raises(NluModelMissing):
        NluParser.load(tmp_path / "nothing")
    nlu.reset()
    try:
        with pytest.raises(NluModelMissing):
            nlu.get_parser(tmp_path / "nothing")
    finally:
        nlu.reset()


# --- entities ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("cek LPG-2026-000001", "LPG-2026-000001", "LPG-2026-000001"),
        ("status lpg-2026-000123 gmn?", "LPG-2026-000123", "lpg-2026-000123"),
        ("lpg 2026 123", "LPG-2026-000123", "lpg 2026 123"),
        ("tiket Lpg2026000042 min", "LPG-2026-000042", "Lpg2026000042"),
        ("cek tiket 123", "123", "123"),
        ("laporan saya no. 4567 belum ditanggapi", "4567", "4567"),
        ("no 88", "88", "88"),
        ("tiket 2026-77", "LPG-2026-000077", "2026-77"),
    ],
)
def test_ticket_number(tickets: TicketNumberExtractor, text: str, value: str, surface: str) -> None:
    entities = tickets.extract(text)
    assert len(entities) == 1, entities
    entity = entities[0]
    assert entity["entity"] == "ticket_number"
    assert entity["value"] == value
    assert text[entity["start"] : entity["end"]] == surface
    assert entity["extractor"] == "LaporinEntityExtractor"


@pytest.mark.parametrize(
    "text",
    [
        "jalan di jl. kartini no 12 rusak",
        "gas lpg 3 kg langka di pasar",
        "hubungi no hp 081234567890",
        "harga tiket 1.500",
        "jalan rusak 2 km",
    ],
)
def test_no_false_ticket_numbers(tickets: TicketNumberExtractor, text: str) -> None:
    assert tickets.extract(text) == []


def test_entities_point_into_original_text(parser: NluParser) -> None:
    text = "Min 🙏🙏, CEK dong LPG-2026-000321 udh seminggu!!"
    result = parser.parse(text)
    assert result["intent"]["name"] == "cek_status"
    by_name = {e["entity"]: e for e in result["entities"]}
    ticket = by_name["ticket_number"]
    assert text[ticket["start"] : ticket["end"]] == "LPG-2026-000321"
    assert ticket["value"] == "LPG-2026-000321"
    assert by_name["time"]["value"] == "-P1W"
    assert text[by_name["time"]["start"] : by_name["time"]["end"]].endswith("seminggu")


# --- normaliser ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("parahhh", "parah"),
        ("Jalannya RUSAKKK parahhh!!!", "jalannya rusak parah !"),
        ("maaaaf", "maaf"),
        ("iyaaa", "iya"),
        ("mpp", "mpp"),
        ("anak2 sekolah", "anak anak sekolah"),
        ("hati2 jln2", "hati hati jalan jalan"),
        ("sdn2 rajabasa", "sdn2 rajabasa"),
        ("jln rusak bgt", "jalan rusak banget"),
        ("gmn cara bikin ktp?", "bagaimana cara bikin ktp ?"),
        ("gk bisa, ga ada, gak mau", "tidak bisa tidak ada tidak mau"),
        ("udh tdk yg", "sudah tidak yang"),
        ("halo min", "halo admin"),
        ("matur nuwun 👍", "terima kasih oke"),
        ("Assalamu'alaikum", "assalamualaikum"),
        ("\uff2c\uff30\uff27\uff0d\uff12\uff10\uff12\uff16", "lpg 2026"),  # full-width
        ("lihat https://example.com/foto.jpg ya", "lihat ya"),
        ("😡🔥 kebakaran", "api kebakaran"),
    ],
)
def test_normalizer(normalize: Normalizer, raw: str, expected: str) -> None:
    assert normalize(raw) == expected


# --- training / --if-needed ----------------------------------------------------------

TINY_DATA = """version: "3.1"
nlu:
- intent: greet
  examples: |
    - halo
    - hai min
- intent: lapor/sampah
  examples: |
    - sampah numpuk
    - sampahe ora diangkut
"""


def _tiny_project(root: Path, threshold: float = 0.45) -> tuple[Path, Path]:
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    (data / "nlu.yml").write_text(TINY_DATA, encoding="utf-8")
    lexicon = root / "lexicon"
    lexicon.mkdir(exist_ok=True)
    shutil.copy(DEFAULT_DATA_DIR / "lexicon" / "slang.yml", lexicon / "slang.yml")
    config = root / "config.yml"
    config.write_text(
        "language: id\n"
        "pipeline:\n"
        "  - name: LaporinNormalizer\n"
        "    lexicon: lexicon/slang.yml\n"
        "  - name: SpacyTextCat\n"
        "    architecture: bow\n"
        "    epochs: 2\n"
        "  - name: FallbackClassifier\n"
        f"    threshold: {threshold}\n",
        encoding="utf-8",
    )
    return config, data


def test_if_needed_skips_unchanged_and_retrains_on_change(tmp_path: Path) -> None:
    config, data = _tiny_project(tmp_path)
    out = tmp_path / "model"
    first = train(config_path=config, data_dir=data, out_dir=out, if_needed=True)
    assert first.trained
    meta_mtime = (out / META_FILE).stat().st_mtime_ns

    second = train(config_path=config, data_dir=data, out_dir=out, if_needed=True)
    assert not second.trained
    assert second.fingerprint == first.fingerprint
    assert (out / META_FILE).stat().st_mtime_ns == meta_mtime

    _tiny_project(tmp_path, threshold=0.6)  # runtime-only knob: no retrain
    assert not train(config_path=config, data_dir=data, out_dir=out, if_needed=True).trained

    (tmp_path / "lexicon" / "slang.yml").write_text("slang:\n  smph: sampah\n", encoding="utf-8")
    assert train(config_path=config, data_dir=data, out_dir=out, if_needed=True).trained

    with open(data / "nlu.yml", "a", encoding="utf-8") as fh:
        fh.write("    - tps penuh\n")
    third = train(config_path=config, data_dir=data, out_dir=out, if_needed=True)
    assert third.trained and third.fingerprint != first.fingerprint
    parsed = NluParser.load(out).parse("smph numpuk")
    assert parsed["normalized_text"] == "sampah numpuk"  # uses the model's lexicon copy


def test_if_needed_on_session_model_does_not_retrain(model_dir: Path) -> None:
    assert not train(out_dir=model_dir, if_needed=True).trained


def test_conflicting_labels_are_rejected(tmp_path: Path) -> None:
    config, data = _tiny_project(tmp_path)
    with open(data / "nlu.yml", "a", encoding="utf-8") as fh:
        fh.write("- intent: affirm\n  examples: |\n    - HALO\n")
    with pytest.raises(ValueError, match="conflicting"):
        train(config_path=config, data_dir=data, out_dir=tmp_path / "model")


# --- config & CLI -----------------------------------------------------------------------


def test_config() -> None:
    config = load_config(DEFAULT_CONFIG_PATH)
    assert config.language == "id"
    assert config.fallback_threshold == pytest.approx(0.35)
    names = [c["name"] for c in config.training_view()["pipeline"]]
    assert "FallbackClassifier" not in names and "SpacyTextCat" in names
    with pytest.raises(ValueError, match="unknown component"):
        parse_config({"language": "id", "pipeline": [{"name": "Nope"}, {"name": "SpacyTextCat"}]})


def test_cli(model_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["parse", "--model", str(model_dir), "halo min"]) == 0
    assert json.loads(capsys.readouterr().out)["intent"]["name"] == "greet"

    assert cli_main(["evaluate", "--model", str(model_dir)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["accuracy"] >= MIN_HELD_OUT_ACCURACY
    assert "lapor/jalan_rusak" in report["per_intent"]

    assert cli_main(["train", "--if-needed", "--out", str(model_dir)]) == 0
    assert json.loads(capsys.readouterr().out)["trained"] is False

    assert cli_main(["parse", "--model", str(model_dir / "missing"), "halo"]) == 2
