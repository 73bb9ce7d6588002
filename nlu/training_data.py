"""Reads Rasa 3 NLU YAML (`nlu:` list of `- intent: x` / `examples: |`)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from core.settings import ROOT_DIR

DEFAULT_DATA_DIR = ROOT_DIR / "nlu" / "data"
DEFAULT_TEST_DATA = ROOT_DIR / "tests" / "data" / "nlu_test.yml"

# Rasa entity annotations are reduced to their surface text for the classifier:
# "[LPG-2026-000001](ticket_number)" / "[x]{"entity": ...}" -> the bracketed text.
_ANNOTATION_RE = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


@dataclass(frozen=True)
class Example:
    text: str
    intent: str  # full label, e.g. "lapor/sampah"
    source: str = ""


def data_files(data_dir: Path = DEFAULT_DATA_DIR) -> list[Path]:
    """Training files: the *.yml directly in data_dir (lexicons live below it)."""
    return sorted(p for p in data_dir.glob("*.yml") if p.is_file())


def read_examples(path: Path) -> list[Example]:
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a mapping with an `nlu:` list")
    examples: list[Example] = []
    for item in raw.get("nlu") or []:
        if not isinstance(item, dict) or "intent" not in item:
            continue  # synonyms, regexes, lookups: not used by this pipeline yet
        intent = str(item["intent"]).strip()
        block = item.get("examples") or ""
        if not isinstance(block, str):
            raise ValueError(f"{path}: examples of {intent!r} must be a `|` block")
        for line in block.splitlines():
            line = line.strip()
            if not line.startswith("-"):
                continue
            text = _ANNOTATION_RE.sub(r"\1", line[1:].strip())
            if text:
                examples.append(Example(text=text, intent=intent, source=path.name))
    return examples


def load_examples(paths: Iterable[Path]) -> list[Example]:
    examples: list[Example] = []
    for path in paths:
        examples.extend(read_examples(path))
    return examples


def find_conflicts(examples: Iterable[Example], normalize: Callable[[str], str]) -> list[str]:
    """Texts that normalise identically but carry different labels."""
    labels: dict[str, set[str]] = {}
    for ex in examples:
        labels.setdefault(normalize(ex.text), set()).add(ex.intent)
    return sorted(
        f"{text!r}: {sorted(intents)}" for text, intents in labels.items() if len(intents) > 1
    )


def label_counts(examples: Iterable[Example]) -> Counter[str]:
    return Counter(ex.intent for ex in examples)
