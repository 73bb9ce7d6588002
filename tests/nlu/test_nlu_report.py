"""`python -m nlu test`: Rasa NLU file reading, metrics arithmetic, CLI output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nlu import parser as parser_module
from nlu.__main__ import main as cli_main
from nlu.evaluate import evaluate, intent_report
from nlu.training_data import read_examples, strip_annotations

RASA_FILE = """\
version: "3.1"
nlu:
- intent: greet
  examples: |
    - halo
    - hai [Rajabasa](location) min
- intent: faq/ktp_baru
  examples: |
    - cara bikin [ktp]{"entity": "dokumen", "role": "baru"}
    - syarat ktp
- intent: label_unknown_to_model
  examples: |
    - xyz
- synonym: rajabasa
  examples: |
    - rjb
- regex: nomor
  examples: |
    - \\d+
- lookup: kota
  examples: |
    - metro
"""

# text (annotations stripped) -> (full label, confidence)
PREDICTIONS = {
    "halo": ("greet", 0.9),
    "hai Rajabasa min": ("greet", 0.8),
    "cara bikin ktp": ("faq/ktp_baru", 0.7),
    "syarat ktp": ("greet", 0.6),
    "xyz": ("faq/ktp_baru", 0.55),
}


class FakeParser:
    """Rasa-shaped results from a fixed table; a KeyError means the text was not stripped."""

    def parse(self, text: str) -> dict[str, Any]:
        label, confidence = PREDICTIONS[text]
        intent, _, key = label.partition("/")
        return {
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "full_retrieval_intent": label if key else None,
            "confidence": confidence,
            "entities": [],
            "intent_ranking": [{"name": label, "confidence": confidence}],
            "response_selector": {},
            "normalized_text": text,
        }


@pytest.fixture()
def rasa_file(tmp_path: Path) -> Path:
    path = tmp_path / "nlu.yml"
    path.write_text(RASA_FILE, encoding="utf-8")
    return path


def test_reads_rasa_file(rasa_file: Path) -> None:
    examples = read_examples(rasa_file)
    assert [(ex.text, ex.intent) for ex in examples] == [
        ("halo", "greet"),
        ("hai Rajabasa min", "greet"),
        ("cara bikin ktp", "faq/ktp_baru"),
        ("syarat ktp", "faq/ktp_baru"),
        ("xyz", "label_unknown_to_model"),
    ]
    assert read_examples(rasa_file.parent) == examples  # a directory of files works too
    assert strip_annotations("[LPG-2026-000001](ticket_number:x) ok") == "LPG-2026-000001 ok"


def test_metrics_arithmetic(rasa_file: Path) -> None:
    # gold:  greet greet ktp ktp unknown ; predicted: greet greet ktp greet ktp
    report = intent_report(FakeParser(), read_examples(rasa_file))
    r = report["intent_report"]
    assert report["examples"] == 5
    assert report["accuracy"] == 0.6 == r["accuracy"]
    # greet: P 2/3, R 2/2, F1 0.8
    assert r["greet"] == {
        "precision": 0.6667,
        "recall": 1.0,
        "f1-score": 0.8,
        "support": 2,
        "confused_with": {},
    }
    # faq/ktp_baru: P 1/2, R 1/2, F1 0.5
    assert r["faq/ktp_baru"] == {
        "precision": 0.5,
        "recall": 0.5,
        "f1-score": 0.5,
        "support": 2,
        "confused_with": {"greet": 1},
    }
    # never predicted: everything 0, still counted in the averages
    assert r["label_unknown_to_model"] == {
        "precision": 0.0,
        "recall": 0.0,
        "f1-score": 0.0,
        "support": 1,
        "confused_with": {"faq/ktp_baru": 1},
    }
    # macro: P (2/3 + 1/2 + 0)/3 = 7/18, R (1 + 1/2 + 0)/3, F1 (0.8 + 0.5 + 0)/3
    assert r["macro avg"] == {"precision": 0.3889, "recall": 0.5, "f1-score": 0.4333, "support": 5}
    # weighted by support 2/2/1: P (4/3 + 1)/5 = 7/15, R 3/5, F1 (1.6 + 1)/5
    assert r["weighted avg"] == {
        "precision": 0.4667,
        "recall": 0.6,
        "f1-score": 0.52,
        "support": 5,
    }
    assert report["macro_f1"] == 0.4333
    assert report["weighted_f1"] == 0.52
    # errors, most confident first, in Rasa's intent_errors.json shape
    assert report["intent_errors"] == [
        {
            "text": "syarat ktp",
            "intent": "faq/ktp_baru",
            "intent_prediction": {"name": "greet", "confidence": 0.6},
        },
        {
            "text": "xyz",
            "intent": "label_unknown_to_model",
            "intent_prediction": {"name": "faq/ktp_baru", "confidence": 0.55},
        },
    ]


def test_compact_evaluate_agrees(rasa_file: Path) -> None:
    report = evaluate(FakeParser(), read_examples(rasa_file))
    assert report["accuracy"] == 0.6
    assert report["per_intent"]["greet"] == {
        "precision": 0.6667,
        "recall": 1.0,
        "f1": 0.8,
        "support": 2,
    }
    assert report["macro_f1"] == 0.4333
    assert report["error_count"] == 2


def test_cli_writes_json(
    rasa_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(parser_module.NluParser, "load", classmethod(lambda cls, d: FakeParser()))
    out = tmp_path / "reports" / "report.json"
    args = ["test", "--data", str(rasa_file), "--model", str(tmp_path), "--out", str(out)]
    assert cli_main(args) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["accuracy"] == 0.6
    assert report["intent_report"]["faq/ktp_baru"]["confused_with"] == {"greet": 1}
    assert len(report["intent_errors"]) == 2
    printed = capsys.readouterr().out
    assert "accuracy 0.6000" in printed and "label_unknown_to_model" in printed

    # Without --out: JSON on stdout, the summary on stderr.
    assert cli_main(["test", "--data", str(rasa_file), "--model", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["macro_f1"] == 0.4333
    assert "macro" in captured.err

    empty = tmp_path / "empty.yml"
    empty.write_text('version: "3.1"\nnlu: []\n', encoding="utf-8")
    assert cli_main(["test", "--data", str(empty), "--model", str(tmp_path)]) == 1
