"""The FallbackClassifier's decision (config.yml): act on a parse, or ask back.

One rule for the dialogue engine (`dialogue/interpreter.py`) and the held-out
evaluation (`nlu/evaluate.py`), so the measured "confident error" rate is the
rate at which the bot acts on a wrong reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Below the threshold on its category, a complaint is still a complaint: the
# complaint form asks for the category (actions/report/category.py). Any other
# retrieval intent (faq/<topic>) answers from its label, so that label itself
# must reach the threshold.
COMPLAINT_INTENT = "lapor"

ASK = "ask"  # nlu_fallback: the "did you mean" buttons
ASK_CATEGORY = "category"  # a complaint; the form asks for its category
ACT = "act"  # the bot acts on the full label


def intent_of(label: str) -> str:
    return label.split("/", 1)[0]


def intent_margin(parse: dict[str, Any]) -> float:
    """Top intent's confidence minus the next intent's, labels summed per intent
    ("lapor/sampah" + "lapor/listrik" are both "lapor")."""
    totals: dict[str, float] = {}
    for ranked in parse.get("intent_ranking") or []:
        intent = intent_of(str(ranked.get("name") or ""))
        totals[intent] = totals.get(intent, 0.0) + float(ranked.get("confidence") or 0.0)
    top = sorted(totals.values(), reverse=True)
    if not top:
        return 0.0
    return top[0] - (top[1] if len(top) > 1 else 0.0)


@dataclass(frozen=True)
class Fallback:
    threshold: float
    # Rasa's ambiguity_threshold: two intents this close are asked back.
    ambiguity_threshold: float = 0.0

    def decide(self, parse: dict[str, Any]) -> str:
        intent = parse.get("intent") or {}
        if not intent.get("name") or float(intent.get("confidence") or 0.0) < self.threshold:
            return ASK
        if self.ambiguity_threshold and intent_margin(parse) < self.ambiguity_threshold:
            return ASK
        full = parse.get("full_retrieval_intent")
        if full and float(parse.get("confidence") or 0.0) < self.threshold:
            return ASK_CATEGORY if intent["name"] == COMPLAINT_INTENT else ASK
        return ACT

    def accepts(self, parse: dict[str, Any]) -> bool:
        """False: the engine replaces the intent with nlu_fallback."""
        return self.decide(parse) != ASK
