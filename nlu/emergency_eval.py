"""Recall and precision of "emergency now" on a labelled set, through the full parse.

The set (default tests/data/emergency.yml) has two lists, `emergency` and
`not_emergency`; a message counts as detected when the parse carries the
emergency entity (`nlu.emergency.is_emergency`), exactly what the dialogue
engine acts on. `python -m nlu emergency` prints the numbers and the confusions.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from core.settings import ROOT_DIR
from nlu.emergency import EMERGENCY_ENTITY, is_emergency

DEFAULT_EMERGENCY_SET = ROOT_DIR / "tests" / "data" / "emergency.yml"


def read_emergency_set(path: Path = DEFAULT_EMERGENCY_SET) -> tuple[list[str], list[str]]:
    """(emergency messages, non-emergency messages)."""
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}
    lists = [raw.get("emergency") or [], raw.get("not_emergency") or []]
    if not all(
        isinstance(items, list) and all(isinstance(t, str) for t in items) for items in lists
    ):
        raise ValueError(f"{path}: `emergency` and `not_emergency` must be lists of strings")
    return lists[0], lists[1]


def evaluate_emergency(
    parse: Callable[[str], dict[str, Any]], positives: list[str], negatives: list[str]
) -> dict[str, Any]:
    missed = [text for text in positives if not is_emergency(parse(text))]
    alarms = []
    for text in negatives:
        parsed = parse(text)
        if is_emergency(parsed):
            kind = next(e["value"] for e in parsed["entities"] if e["entity"] == EMERGENCY_ENTITY)
            alarms.append({"text": text, "kind": kind})
    found = len(positives) - len(missed)
    flagged = found + len(alarms)
    return {
        "emergency": len(positives),
        "not_emergency": len(negatives),
        "recall": found / len(positives) if positives else 1.0,
        "precision": found / flagged if flagged else 1.0,
        "missed": missed,
        "false_alarms": alarms,
    }


def summary(report: dict[str, Any]) -> str:
    lines = [
        f"emergency {report['emergency']}, not emergency {report['not_emergency']}: "
        f"recall {report['recall']:.3f}, precision {report['precision']:.3f}",
        f"missed ({len(report['missed'])}):",
        *(f"  {text}" for text in report["missed"]),
        f"false alarms ({len(report['false_alarms'])}):",
        *(f"  {a['text']}  [{a['kind']}]" for a in report["false_alarms"]),
    ]
    return "\n".join(lines)
