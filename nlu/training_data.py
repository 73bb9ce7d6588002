"""Reads Rasa 3 NLU YAML (`nlu:` list of `- intent: x` / `examples: |`)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def strip_annotations(text: str) -> str:
    return _ANNOTATION_RE.sub(r"\1", text)


def _example_lines(block: Any) -> Iterable[str]:
    """`examples: |` block ("- text" lines) or a list of strings / {text: ...}."""
    if isinstance(block, str):
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("-"):
                yield line[1:].strip()
    elif isinstance(block, list):
        for item in block:
            if isinstance(item, dict):
                item = item.get("text", "")
            if isinstance(item, str):
                yield item.strip().removeprefix("- ").strip()


def read_examples(path: Path) -> list[Example]:
    """Intent examples of any Rasa 3 NLU YAML file (or of every *.yml in a directory).

    Entity annotations are reduced to plain text; synonym, regex and lookup
    sections, metadata and non-NLU keys (stories, rules, responses) are ignored.
    """
    path = Path(path)
    if path.is_dir():
        return [ex for p in sorted(path.glob("*.yml")) for ex in read_examples(p)]
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a mapping with an `nlu:` list")
    examples: list[Example] = []
    for item in raw.get("nlu") or []:
        if not isinstance(item, dict) or "intent" not in item:
            continue  # synonyms, regexes, lookups: not used by this pipeline yet
        intent = str(item["intent"]).strip()
        for line in _example_lines(item.get("examples")):
            text = strip_annotations(line).strip()
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
