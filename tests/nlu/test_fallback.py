"""nlu.fallback: when the bot acts on a parse and when it asks back."""

from __future__ import annotations

from typing import Any

import pytest

from dialogue.interpreter import FALLBACK_INTENT, apply_fallback
from nlu.fallback import ACT, ASK, ASK_CATEGORY, Fallback, intent_margin

RULE = Fallback(threshold=0.35, ambiguity_threshold=0.1)


def _parse(*ranking: tuple[str, float]) -> dict[str, Any]:
    """A parse shaped like NluParser's: the top label decides, its intent sums
    every label sharing the prefix."""
    label, confidence = ranking[0]
    intent = label.split("/", 1)[0]
    total = sum(p for name, p in ranking if name.split("/", 1)[0] == intent)
    return {
        "intent": {"name": intent, "confidence": total},
        "full_retrieval_intent": label if "/" in label else None,
        "confidence": confidence,
        "intent_ranking": [{"name": name, "confidence": p} for name, p in ranking],
    }


@pytest.mark.parametrize(
    ("parse", "decision"),
    [
        (_parse(("greet", 0.9), ("bantuan", 0.1)), ACT),
        (_parse(("greet", 0.3), ("bantuan", 0.2)), ASK),
        # A complaint with an unsure category: the form asks for the category.
        (_parse(("lapor/sampah", 0.3), ("lapor/lingkungan", 0.3), ("greet", 0.1)), ASK_CATEGORY),
        # An FAQ topic answers from its label: an unsure topic is asked back.
        (_parse(("faq/sktm", 0.3), ("faq/akta_kematian", 0.3), ("greet", 0.1)), ASK),
        (_parse(("faq/sktm", 0.6), ("faq/akta_kematian", 0.2)), ACT),
        # Two intents this close: asked back although the top one passes.
        (_parse(("lapor/pungli", 0.46), ("faq/akta_kelahiran", 0.4)), ASK),
        (_parse(("lapor/pungli", 0.5), ("faq/akta_kelahiran", 0.3)), ACT),
        ({"intent": {"name": "out_of_scope", "confidence": 0.0}, "intent_ranking": []}, ASK),
    ],
)
def test_decide(parse: dict[str, Any], decision: str) -> None:
    assert RULE.decide(parse) == decision


def test_margin_sums_labels_per_intent() -> None:
    parse = _parse(("lapor/sampah", 0.3), ("faq/pbg", 0.35), ("lapor/jalan_rusak", 0.3))
    assert intent_margin(parse) == pytest.approx(0.25)
    assert intent_margin({"intent_ranking": [{"name": "affirm", "confidence": 1.0}]}) == 1.0


def test_no_ambiguity_threshold_means_no_margin_check() -> None:
    parse = _parse(("lapor/pungli", 0.46), ("faq/akta_kelahiran", 0.4))
    assert Fallback(threshold=0.35).decide(parse) == ACT


def test_engine_replaces_an_unsure_parse_with_nlu_fallback() -> None:
    unsure = _parse(("faq/sktm", 0.3), ("faq/akta_kematian", 0.3), ("greet", 0.1))
    replaced = apply_fallback(unsure, RULE)
    assert replaced["intent"]["name"] == FALLBACK_INTENT
    assert replaced["full_retrieval_intent"] is None
    assert replaced["intent_ranking"] == unsure["intent_ranking"]  # the buttons' candidates
    sure = _parse(("lapor/sampah", 0.3), ("lapor/lingkungan", 0.3), ("greet", 0.1))
    assert apply_fallback(sure, RULE) is sure
