"""Held-out evaluation of the intent classifier.

Two views over the same predictions:

* `evaluate(parser, examples)`: the compact report used by the tests and
  `python -m nlu evaluate` (accuracy, macro-F1, per-intent P/R/F1, errors).
* `intent_report(parser, examples)`: the report of `rasa test nlu`
  (`intent_report.json` + `intent_errors.json` in one dict), used by
  `python -m nlu test --data FILE.yml`.

Labels are full labels ("faq/ktp_baru"), i.e. retrieval intents are scored on
their response key, like Rasa's response-selection report. Metrics follow
scikit-learn's `classification_report(output_dict=True, zero_division=0)`:
the label set is the union of gold and predicted labels, a label never
predicted has precision 0, a label never in the gold data has support 0 and
recall 0, and both still count in the macro average.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from nlu.fallback import ACT, ASK, ASK_CATEGORY, COMPLAINT_INTENT, Fallback, intent_of
from nlu.training_data import Example

MAX_ERRORS_REPORTED = 50
DIGITS = 4


class Parser(Protocol):
    def parse(self, text: str) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Prediction:
    text: str
    gold: str
    label: str
    confidence: float
    # What the bot does with this parse (nlu.fallback): ACT, ASK or ASK_CATEGORY.
    decision: str = ACT


def predicted_label(result: dict[str, Any]) -> str:
    return str(result.get("full_retrieval_intent") or result["intent"]["name"])


def predict(
    parser: Parser, examples: Sequence[Example], rule: Fallback | None = None
) -> list[Prediction]:
    predictions = []
    for ex in examples:
        result = parser.parse(ex.text)
        confidence = result.get("confidence", result["intent"].get("confidence", 0.0))
        decision = rule.decide(result) if rule is not None else ACT
        predictions.append(
            Prediction(ex.text, ex.intent, predicted_label(result), float(confidence), decision)
        )
    return predictions


def asked_back(p: Prediction) -> bool:
    """The bot asks instead of acting: the "did you mean" buttons, or the
    complaint form asking for the category."""
    return p.decision != ACT


def confident_error(p: Prediction) -> bool:
    """Wrong and acted upon. A complaint whose category is asked is fine if it
    was a complaint; if it was not, the complaint form started by mistake."""
    if p.gold == p.label or p.decision == ASK:
        return False
    if p.decision == ASK_CATEGORY:
        return intent_of(p.gold) != COMPLAINT_INTENT
    return True


def confidence_report(predictions: Sequence[Prediction], rule: Fallback) -> dict[str, Any]:
    """How often the bot would act on a wrong reading, and how often it asks."""
    total = len(predictions) or 1
    wrong = sum(confident_error(p) for p in predictions)
    asked = sum(asked_back(p) for p in predictions)
    return {
        "threshold": rule.threshold,
        "ambiguity_threshold": rule.ambiguity_threshold,
        "confident_errors": wrong,
        "confident_error_rate": round(wrong / total, DIGITS),
        "asked_back": asked,
        "asked_back_rate": round(asked / total, DIGITS),
    }


# --- metrics -------------------------------------------------------------------


def _prf(tp: int, predicted: int, support: int) -> tuple[float, float, float]:
    precision = tp / predicted if predicted else 0.0
    recall = tp / support if support else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def classification_report(predictions: Sequence[Prediction]) -> dict[str, Any]:
    """Rasa's intent_report.json: {label: {precision, recall, f1-score, support,
    confused_with}, "accuracy", "macro avg", "weighted avg"} (unrounded).

    `confused_with` maps each label this gold label was mistaken for to its
    count, most frequent first (Rasa keeps only the top two; we keep all).
    """
    if not predictions:
        raise ValueError("no evaluation examples")
    support: Counter[str] = Counter(p.gold for p in predictions)
    predicted: Counter[str] = Counter(p.label for p in predictions)
    true_pos: Counter[str] = Counter(p.gold for p in predictions if p.gold == p.label)
    confusions: dict[str, Counter[str]] = {}
    for p in predictions:
        if p.gold != p.label:
            confusions.setdefault(p.gold, Counter())[p.label] += 1

    report: dict[str, Any] = {}
    for label in sorted(set(support) | set(predicted)):
        precision, recall, f1 = _prf(true_pos[label], predicted[label], support[label])
        confused = confusions.get(label, Counter())
        report[label] = {
            "precision": precision,
            "recall": recall,
            "f1-score": f1,
            "support": support[label],
            "confused_with": dict(sorted(confused.items(), key=lambda kv: (-kv[1], kv[0]))),
        }
    labels = [v for k, v in report.items()]
    total = len(predictions)
    report["accuracy"] = sum(true_pos.values()) / total
    report["macro avg"] = {
        metric: sum(v[metric] for v in labels) / len(labels)
        for metric in ("precision", "recall", "f1-score")
    } | {"support": total}
    report["weighted avg"] = {
        metric: sum(v[metric] * v["support"] for v in labels) / total
        for metric in ("precision", "recall", "f1-score")
    } | {"support": total}
    return report


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, DIGITS)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def report_from_predictions(predictions: Sequence[Prediction]) -> dict[str, Any]:
    report = classification_report(predictions)
    errors: list[dict[str, Any]] = [
        {
            "text": p.text,
            "intent": p.gold,
            "intent_prediction": {"name": p.label, "confidence": round(p.confidence, DIGITS)},
        }
        for p in predictions
        if p.gold != p.label
    ]
    # Like Rasa: the most confident mistakes first.
    errors.sort(key=lambda e: -e["intent_prediction"]["confidence"])
    return {
        "examples": len(predictions),
        "accuracy": round(report["accuracy"], DIGITS),
        "macro_f1": round(report["macro avg"]["f1-score"], DIGITS),
        "weighted_f1": round(report["weighted avg"]["f1-score"], DIGITS),
        "intent_report": _rounded(report),
        "intent_errors": errors,
    }


def intent_report(parser: Parser, examples: Sequence[Example]) -> dict[str, Any]:
    """`rasa test nlu`-style report: summary numbers, `intent_report` (per label
    plus "accuracy", "macro avg", "weighted avg") and every error in
    `intent_errors` ({text, intent, intent_prediction: {name, confidence}})."""
    if not examples:
        raise ValueError("no evaluation examples")
    return report_from_predictions(predict(parser, examples))


def summary(report: dict[str, Any], worst: int = 5) -> str:
    """A few human lines for the terminal."""
    per_label = {
        k: v
        for k, v in report["intent_report"].items()
        if k not in ("accuracy", "macro avg", "weighted avg")
    }
    macro = report["intent_report"]["macro avg"]
    weighted = report["intent_report"]["weighted avg"]
    lines = [
        f"examples {report['examples']}  labels {len(per_label)}  "
        f"errors {len(report['intent_errors'])}",
        f"accuracy {report['accuracy']:.4f}",
        f"macro    P {macro['precision']:.4f}  R {macro['recall']:.4f}  F1 {macro['f1-score']:.4f}",
        f"weighted P {weighted['precision']:.4f}  R {weighted['recall']:.4f}  "
        f"F1 {weighted['f1-score']:.4f}",
    ]
    weakest = sorted(
        (item for item in per_label.items() if item[1]["support"]),
        key=lambda kv: (kv[1]["f1-score"], kv[0]),
    )[:worst]
    if weakest and weakest[0][1]["f1-score"] < 1.0:
        lines.append("weakest labels (F1, support, confused with):")
        for label, v in weakest:
            if v["f1-score"] >= 1.0:
                break
            confused = ", ".join(f"{k} x{n}" for k, n in v["confused_with"].items()) or "-"
            lines.append(f"  {label:<28} {v['f1-score']:.3f}  {v['support']:>3}  {confused}")
    unknown = [k for k, v in per_label.items() if v["support"] and v["precision"] == 0.0]
    if unknown:
        lines.append(f"never predicted: {', '.join(unknown)}")
    return "\n".join(lines)


def evaluate(
    parser: Parser, examples: Sequence[Example], rule: Fallback | None = None
) -> dict[str, Any]:
    """Compact report: accuracy, macro-F1 over the gold labels, per-intent
    P/R/F1, the first MAX_ERRORS_REPORTED errors and, given the fallback rule,
    the confident-error and asked-back rates."""
    if not examples:
        raise ValueError("no evaluation examples")
    predictions = predict(parser, examples, rule)
    report = classification_report(predictions)
    gold = sorted({p.gold for p in predictions})
    per_intent = {
        label: {
            "precision": round(report[label]["precision"], DIGITS),
            "recall": round(report[label]["recall"], DIGITS),
            "f1": round(report[label]["f1-score"], DIGITS),
            "support": report[label]["support"],
        }
        for label in gold
    }
    errors = [
        {
            "text": p.text,
            "expected": p.gold,
            "predicted": p.label,
            "confidence": round(p.confidence, 3),
        }
        | ({} if rule is None else {"acted": confident_error(p)})
        for p in predictions
        if p.gold != p.label
    ]
    extra = {} if rule is None else confidence_report(predictions, rule)
    return {
        "examples": len(predictions),
        "accuracy": round(report["accuracy"], DIGITS),
        "macro_f1": round(sum(v["f1"] for v in per_intent.values()) / len(per_intent), DIGITS),
        "per_intent": per_intent,
        "errors": errors[:MAX_ERRORS_REPORTED],
        "error_count": len(errors),
    } | extra
