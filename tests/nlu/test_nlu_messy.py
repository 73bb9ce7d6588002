"""Messy messages (issue 14, finding 12): the model is right or asks back.

Two held-out sets written independently of nlu/data: tests/data/nlu_messy.yml
(before any tuning) and nlu_messy_fresh.yml (after it, never tuned against).
Before this work the model read nlu_messy.yml with accuracy 0.76 and acted on
a wrong reading for 5.8% of it (nlu_messy_fresh: 0.54 / 7.3%); docs/nlu.md.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nlu.config import DEFAULT_CONFIG_PATH, load_config
from nlu.evaluate import evaluate, predicted_label
from nlu.normalize import Normalizer
from nlu.parser import NluParser
from nlu.training_data import (
    DEFAULT_DATA_DIR,
    DEFAULT_TEST_DATA,
    data_files,
    load_examples,
    read_examples,
)

DATA = Path(__file__).resolve().parents[1] / "data"
MESSY = DATA / "nlu_messy.yml"
FRESH = DATA / "nlu_messy_fresh.yml"

# (file, min accuracy, max confident-error rate). The model of 2026-12-02 reaches
# 0.99 / 0.0 and 0.91 / 0.037.
THRESHOLDS = [(MESSY, 0.95, 0.02), (FRESH, 0.85, 0.06)]


def _raw(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


@pytest.mark.parametrize(("path", "min_accuracy", "max_confident_errors"), THRESHOLDS)
def test_messy_messages_are_read_right_or_asked_back(
    parser: NluParser, path: Path, min_accuracy: float, max_confident_errors: float
) -> None:
    report = evaluate(parser, read_examples(path), load_config(DEFAULT_CONFIG_PATH).fallback)
    print(
        f"\n{path.name}: accuracy {report['accuracy']:.3f}, confident errors "
        f"{report['confident_error_rate']:.3f}, asked back {report['asked_back_rate']:.3f}"
    )
    assert report["accuracy"] >= min_accuracy, report["errors"]
    assert report["confident_error_rate"] <= max_confident_errors, [
        e for e in report["errors"] if e["acted"]
    ]


@pytest.mark.parametrize("path", [MESSY, FRESH])
def test_messy_sets_are_independent_of_training(path: Path) -> None:
    # Compared as typed: the lexicon folds one-word replies such as "muhun" into
    # a training sentence ("iya") on purpose.
    training = load_examples(data_files(DEFAULT_DATA_DIR))
    typed = {_raw(ex.text) for ex in training} | {
        _raw(ex.text) for ex in read_examples(DEFAULT_TEST_DATA)
    }
    held_out = read_examples(path)
    assert len(held_out) >= (150 if path == MESSY else 60)
    assert [ex.text for ex in held_out if _raw(ex.text) in typed] == []
    assert {ex.intent for ex in held_out} <= {ex.intent for ex in training}


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("need a birth certificate for my son", "faq/akta_kelahiran"),
        ("vehicle tax for my motorbike", "faq/pajak_kendaraan"),
        ("new id card at 17", "faq/ktp_baru"),
        ("driving licence expired", "faq/sim"),
        ("building permit requirements for a house", "faq/pbg"),
        ("business licence for my shop", "faq/izin_usaha"),
        ("passport renewal", "faq/paspor"),
        ("mati lampu dari sore di kampung kami", "lapor/listrik"),
        ("lampu merah di simpang mati dari pagi", "lapor/lalu_lintas"),
        ("anjing liar ngejar motor di komplek", "lapor/ketertiban_umum"),
        ("bangunan liar di pinggir kali", "lapor/ketertiban_umum"),
        ("antre panjang di gerbang tol, cuma satu gardu", "lapor/lalu_lintas"),
    ],
)
def test_english_terms_and_missing_concepts(parser: NluParser, text: str, label: str) -> None:
    assert predicted_label(parser.parse(text)) == label


@pytest.fixture(scope="module")
def normalize() -> Normalizer:
    return Normalizer.from_file()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # A later clause saying something else is fine is not the complaint.
        ("lampu jalan mati, tp listrik rumah aman kok", "lampu jalan mati"),
        ("air pdam mati padahal listrik nyala", "air pdam mati"),
        ("jalan rusak. lampunya sih nyala", "jalan rusak"),
        # ... unless negated, or the first clause, or not saying "fine".
        ("lampu jalan mati tapi listrik tidak nyala", "lampu jalan mati tapi listrik tidak nyala"),
        ("listrik aman", "listrik aman"),
        ("pju nyala siang tp malam mati", "pju nyala siang tapi malam mati"),
        # English service terms become the training data's words.
        ("Birth certificate?", "akta kelahiran ?"),
        ("my driver's license", "sim"),
        ("business permit requirements", "izin usaha syarat"),
        ("what is the public service mall", "apa mal pelayanan publik"),
        ("no hp saya", "no hp saya"),
        # Sundanese, Javanese and Lampung words for the problem.
        ("cai teu ngocor", "air tidak mengalir"),
        ("lampu jalan pareum, poek", "lampu jalan mati gelap"),
        ("uwuh ning ngarep omah", "sampah di depan rumah"),
        ("wai mak ngalir ghadu 2 ghani", "air tidak mengalir sudah 2 hari"),
    ],
)
def test_normalizer_for_messy_messages(normalize: Normalizer, raw: str, expected: str) -> None:
    assert normalize(raw) == expected
