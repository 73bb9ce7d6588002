"""The words on filled tickets: descriptions from the NLU's complaint examples, the
rest from texts.yml."""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from core.settings import ROOT_DIR
from nlu.training_data import read_examples

TEXTS: dict[str, Any] = yaml.safe_load(
    Path(__file__).with_name("texts.yml").read_text(encoding="utf-8")
)
COMPLAINTS = ROOT_DIR / "nlu" / "data" / "lapor.yml"
PREFIX = "lapor/"


@cache
def descriptions() -> dict[str, tuple[str, ...]]:
    """Category id -> what citizens wrote about it (category "lainnya" too)."""
    found: dict[str, list[str]] = defaultdict(list)
    for example in read_examples(COMPLAINTS):
        if example.intent.startswith(PREFIX):
            found[example.intent.removeprefix(PREFIX)].append(example.text)
    return {category: tuple(texts) for category, texts in found.items()}


def description(category: str) -> tuple[str, ...]:
    return descriptions().get(category) or tuple(TEXTS["other_descriptions"])
