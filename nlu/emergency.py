"""Does a message say that someone is in danger right now? (issue 14, finding 5)

The classifier's `darurat` intent alone is not reliable: it learns words such as
"rumah" from the emergency examples, and misses "kami terjebak di lantai 2".
This detector decides with the lexicon nlu/data/lexicon/emergency.yml (its header
explains the rules): danger-to-people phrases, cancelled by risks, habits and past
events in their clause ("jalan ini sering kecelakaan", "kemarin ada kebakaran").
The parser reports a positive result as the `darurat` entity (value: the kind,
span: the clause that says it), which the dialogue engine answers with 112 first
on every channel; `is_emergency(parse)` reads it back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from core.settings import ROOT_DIR
from nlu.entities.common import Entity, make_entity

DEFAULT_EMERGENCY_LEXICON_PATH = ROOT_DIR / "nlu" / "data" / "lexicon" / "emergency.yml"
EMERGENCY_ENTITY = "darurat"
# The intent the parser gives an emergency that is not also a clear complaint.
EMERGENCY_INTENT = "darurat"
EMERGENCY_EXTRACTOR = "LaporinEmergencyDetector"

# Punctuation and line breaks end a clause (the normaliser drops them later).
_CLAUSE_END_RE = re.compile(r"[.,;:!?\n\r\u2026]+|\s[-\u2013\u2014]+\s")
_NUMBER = r"(?:\d+|satu|dua|tiga|empat|lima|beberapa)"
_MASK = "\u2022"
_MARKER_SECTIONS = (
    "not_danger", "not_event_before", "requests", "habit", "past", "resolved",
    "now", "ongoing", "always_now",
)  # fmt: skip


def _phrase_regex(phrase: str, groups: Mapping[str, str]) -> str:
    words = phrase.split()
    if words[0] == "*" or words[-1] == "*":
        raise ValueError(f"emergency lexicon: {phrase!r}: `*` only between words")
    regex = ""
    for word in words:
        if word == "*":
            regex += r"(?:\S+ )?"
        elif word.startswith("{") and word.endswith("}"):
            if word[1:-1] not in groups:
                raise ValueError(f"emergency lexicon: {phrase!r}: no group {word}")
            regex += groups[word[1:-1]] + " "
        else:
            regex += (_NUMBER if word == "<n>" else re.escape(word)) + " "
    return regex[:-1]


def _compile(phrases: Iterable[str], groups: Mapping[str, str]) -> re.Pattern[str] | None:
    words = sorted({" ".join(str(p).lower().split()) for p in phrases}, key=len, reverse=True)
    body = "|".join(_phrase_regex(w, groups) for w in words if w)
    return re.compile(rf"(?<!\S)(?:{body})(?!\S)") if body else None


def _groups(raw: Mapping[str, Any]) -> dict[str, str]:
    """`groups` of the lexicon as regex alternations, for `{name}` in phrases."""
    groups = raw.get("groups") or {}
    if not isinstance(groups, dict):
        raise ValueError("emergency lexicon: `groups` must map names to word lists")
    return {
        str(name): "(?:" + "|".join(re.escape(w) for w in _words(groups, name)) + ")"
        for name in groups
    }


def _words(raw: Mapping[str, Any], key: str) -> list[str]:
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"emergency lexicon: {key!r} must be a list of phrases (quote them)")
    return value


@dataclass(frozen=True)
class Clause:
    start: int  # span in the original text
    end: int
    text: str  # normalised


@dataclass(frozen=True)
class Emergency:
    kind: str
    start: int
    end: int

    def entity(self) -> Entity:
        entity = make_entity(EMERGENCY_ENTITY, self.kind, self.start, self.end)
        entity["extractor"] = EMERGENCY_EXTRACTOR
        return entity


class EmergencyDetector:
    def __init__(self, raw: Mapping[str, Any], normalize: Callable[[str], str]) -> None:
        danger = raw.get("danger") or {}
        if not isinstance(danger, dict) or not danger:
            raise ValueError("emergency lexicon: `danger` must map kinds to phrase lists")
        groups = _groups(raw)
        self._normalize = normalize
        self._danger = {
            str(kind): pattern
            for kind in danger
            if (pattern := _compile(_words(danger, kind), groups)) is not None
        }
        self._markers = {name: _compile(_words(raw, name), groups) for name in _MARKER_SECTIONS}
        breaks = _compile(_words(raw, "clause_breaks"), groups)
        self._breaks = re.compile(rf"\s(?=(?:{breaks.pattern}))") if breaks else None

    @classmethod
    def from_file(
        cls, normalize: Callable[[str], str], path: Path = DEFAULT_EMERGENCY_LEXICON_PATH
    ) -> EmergencyDetector:
        with open(path, encoding="utf-8") as fh:
            raw = yaml.safe_load(fh) or {}
        if not isinstance(raw, dict):
            raise ValueError(f"emergency lexicon {path}: top level must be a mapping")
        return cls(raw, normalize)

    def detect(self, text: str) -> Emergency | None:
        """The first clause that says someone is in danger now, or None."""
        clauses = self.clauses(text)
        ongoing = any(self._has("ongoing", c.text) for c in clauses)
        over = [self._has("past", c.text) or self._has("resolved", c.text) for c in clauses]
        habit = [self._has("habit", c.text) for c in clauses]
        for i, clause in enumerate(clauses):
            kind = self._danger_now(clause.text)
            if kind is None:
                continue
            if self._has("always_now", clause.text) or ongoing:
                return Emergency(kind, clause.start, clause.end)
            if over[i]:
                continue
            if (any(over) or any(habit)) and not self._has("now", clause.text):
                continue  # "kemarin ada kecelakaan, korbannya luka parah"
            return Emergency(kind, clause.start, clause.end)
        return None

    def clauses(self, text: str) -> list[Clause]:
        found = []
        position = 0
        for piece in _CLAUSE_END_RE.split(text):
            start = text.find(piece, position)
            position = start + len(piece)
            normalized = self._normalize(piece)
            parts = self._breaks.split(normalized) if self._breaks else [normalized]
            begin = start + len(piece) - len(piece.lstrip())
            end = start + len(piece.rstrip())
            found += [Clause(begin, end, p.strip()) for p in parts if p.strip()]
        return found

    def _danger_now(self, clause: str) -> str | None:
        """The kind of the first danger phrase of the clause that is an event."""
        masked = self._mask("not_danger", clause)
        if self._has("habit", masked):
            return None
        for kind, pattern in self._danger.items():
            for match in pattern.finditer(masked):
                before = self._mask("requests", masked[: match.start()])
                if not self._has("not_event_before", before):
                    return kind
        return None

    def _has(self, marker: str, text: str) -> bool:
        pattern = self._markers[marker]
        return pattern is not None and pattern.search(text) is not None

    def _mask(self, marker: str, text: str) -> str:
        pattern = self._markers[marker]
        return pattern.sub(_MASK, text) if pattern is not None else text


def is_emergency(parse_data: Mapping[str, Any]) -> bool:
    """True when the NLU found someone in danger now in this message."""
    return any(
        e.get("entity") == EMERGENCY_ENTITY and e.get("extractor") == EMERGENCY_EXTRACTOR
        for e in parse_data.get("entities") or []
    )
