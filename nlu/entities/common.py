"""Helpers shared by the entity extractors: lexicon loading, regex building, spans."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from core.settings import ROOT_DIR

DEFAULT_ENTITY_LEXICON_PATH = ROOT_DIR / "nlu" / "data" / "lexicon" / "entities.yml"
EXTRACTOR_NAME = "LaporinEntityExtractor"

Entity = dict[str, Any]

NOT_AFTER_WORD = r"(?<![^\W_])"  # not glued to a preceding letter/digit
NOT_BEFORE_WORD = r"(?![^\W_])"  # not glued to a following letter/digit


def make_entity(name: str, value: str, start: int, end: int) -> Entity:
    return {
        "entity": name,
        "value": value,
        "start": start,
        "end": end,
        "extractor": EXTRACTOR_NAME,
    }


def load_lexicon(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"entity lexicon {path}: top level must be a mapping")
    return raw


def lexicon_word(value: object) -> str:
    # YAML 1.1 turns an unquoted `no` into False: fail loudly instead.
    if not isinstance(value, str):
        raise ValueError(f"entity lexicon: {value!r} is not a word (quote it in the YAML)")
    return value.lower()


def lexicon_words(raw: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(lexicon_word(w) for w in raw.get(key) or ())


def alternation(options: Iterable[str]) -> str:
    # Longest first so "nomor" wins over "no".
    return "|".join(re.escape(w) for w in sorted(set(options), key=len, reverse=True))


def phrase_pattern(phrase: str, gap: str = r"\s+") -> str:
    """Regex for a lexicon phrase: its spaces match `gap`, a trailing "." is optional."""
    parts = []
    for part in phrase.split():
        dot = part.endswith(".")
        part = part.rstrip(".")
        parts.append(re.escape(part) + (r"\.?" if dot else ""))
    return gap.join(parts)


def phrase_alternation(options: Iterable[str], gap: str = r"\s+") -> str:
    ordered = sorted(set(options), key=len, reverse=True)
    return "|".join(phrase_pattern(p, gap) for p in ordered)


def at_every_start(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`pattern` compiled to be tried at every position of a text in one scan (its
    `finditer`): each match is what `re.compile(pattern, flags).match(text, i)` gives
    wherever that matches, group "whole" spanning it.
    Overlapping candidates are found in C, not by a loop over positions."""
    return re.compile(rf"(?=(?P<whole>{pattern}))", flags)


def overlaps(span: tuple[int, int], taken: Iterable[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def longest_first(candidates: list[Entity]) -> list[Entity]:
    """Non-overlapping subset, preferring longer then earlier spans."""
    kept: list[Entity] = []
    spans: list[tuple[int, int]] = []
    for ent in sorted(candidates, key=lambda e: (e["start"] - e["end"], e["start"])):
        span = (ent["start"], ent["end"])
        if not overlaps(span, spans):
            spans.append(span)
            kept.append(ent)
    return sorted(kept, key=lambda e: e["start"])
