"""Held-out evaluation: accuracy and per-label precision/recall/F1 on full labels."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from nlu.parser import NluParser
from nlu.training_data import Example

MAX_ERRORS_REPORTED = 50


def predicted_label(result: dict[str, Any]) -> str:
    return str(result.get("full_retrieval_intent") or result["intent"]["name"])


def evaluate(parser: NluParser, examples: Sequence[Example]) -> dict[str, Any]:
    if not examples:
        raise ValueError("no evaluation examples")
    true_pos: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    support: Counter[str] = Counter()
    errors = []
    for ex in examples:
        result = parser.parse(ex.text)
        guess = predicted_label(result)
        support[ex.intent] += 1
        predicted[guess] += 1
        if guess == ex.intent:
            true_pos[guess] += 1
        else:
            errors.append(
                {
                    "text": ex.text,
                    "expected": ex.intent,
                    "predicted": guess,
                    "confidence": round(result["confidence"], 3),
                }
            )
    per_intent = {}
    for label in sorted(support):
        precision = true_pos[label] / predicted[label] if predicted[label] else 0.0
        recall = true_pos[label] / support[label]
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_intent[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": support[label],
        }
    return {
        "examples": len(examples),
        "accuracy": round(sum(true_pos.values()) / len(examples), 4),
        "macro_f1": round(sum(v["f1"] for v in per_intent.values()) / len(per_intent), 4),
        "per_intent": per_intent,
        "errors": errors[:MAX_ERRORS_REPORTED],
        "error_count": len(errors),
    }
