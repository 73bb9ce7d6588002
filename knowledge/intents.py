"""Titles of intents the bot can offer as "did you mean" buttons (knowledge/intents.yml)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from knowledge.categories import get_category

INTENTS_FILE = Path(__file__).with_name("intents.yml")


@lru_cache
def _titles() -> dict[str, str]:
    data = yaml.safe_load(INTENTS_FILE.read_text(encoding="utf-8"))
    return dict(data["titles"])


def intent_title(label: str) -> str | None:
    """The button title of a full label ("lapor/sampah", "faq/sim", "cek_status")."""
    intent, _, sub = label.partition("/")
    if intent == "lapor":
        category = get_category(sub)
        return category.label if category else None
    return _titles().get(label)
