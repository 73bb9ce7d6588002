"""`ticket_number`: "LPG-2026-000123" in any spelling, or a bare number after a ticket keyword."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from nlu.entities.common import (
    DEFAULT_ENTITY_LEXICON_PATH,
    NOT_AFTER_WORD,
    Entity,
    alternation,
    lexicon_word,
    make_entity,
)

TICKET_NUMBER = "ticket_number"

_SEP = r"[\s.:#\-]*"
# The number must end there: no more digits, and not "1.500" / "2,5".
_NUMBER_END = r"(?!\d|[.,]\d)"


@dataclass(frozen=True)
class TicketLexicon:
    prefix: str = "LPG"
    sequence_digits: int = 6
    keywords: tuple[str, ...] = ("tiket", "laporan")
    fillers: tuple[str, ...] = ("no", "nomor")
    number_words: tuple[str, ...] = ("no", "nomor")
    status_words: tuple[str, ...] = ("cek", "status")
    direct_words: tuple[str, ...] = ("cek", "status")

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> TicketLexicon:
        lists = {
            key: tuple(lexicon_word(w) for w in raw[key])
            for key in ("keywords", "fillers", "number_words", "status_words", "direct_words")
            if key in raw
        }
        return cls(
            prefix=str(raw.get("prefix", cls.prefix)).upper(),
            sequence_digits=int(raw.get("sequence_digits", cls.sequence_digits)),
            **lists,
        )


class TicketNumberExtractor:
    """`ticket_number`: "LPG-2026-000123" in any spelling, or a bare number after
    a ticket keyword ("cek tiket 123" -> "123")."""

    def __init__(self, lexicon: TicketLexicon) -> None:
        self.lexicon = lexicon
        number = (
            r"(?:(?P<year>(?:19|20)\d{2})[\s\-_/.]+(?P<seq>\d{1,9})"
            rf"|(?P<num>\d{{1,8}})){_NUMBER_END}"
        )
        kw = alternation(lexicon.keywords)
        fill = alternation(lexicon.fillers)
        status = alternation(lexicon.status_words)
        numw = alternation(lexicon.number_words)
        direct = alternation(lexicon.direct_words)
        flags = re.IGNORECASE
        # Ordered by confidence; later patterns never overlap earlier matches.
        self._patterns = [
            re.compile(
                rf"{NOT_AFTER_WORD}{re.escape(lexicon.prefix)}[\s\-_/.#:]*"
                r"(?P<year>(?:19|20)\d{2})[\s\-_/.#:]*(?P<seq>\d{1,9})(?!\d)",
                flags,
            ),
            re.compile(
                rf"{NOT_AFTER_WORD}(?:{kw})(?:nya)?\b(?:{_SEP}(?:{fill})\b){{0,3}}{_SEP}{number}",
                flags,
            ),
            re.compile(
                rf"(?:^\s*|{NOT_AFTER_WORD}(?:{status})\s+)(?:{numw})\b{_SEP}{number}",
                flags,
            ),
            re.compile(rf"{NOT_AFTER_WORD}(?:{direct})\s*[:#]?\s*{number}", flags),
        ]

    @classmethod
    def from_file(cls, path: Path = DEFAULT_ENTITY_LEXICON_PATH) -> TicketNumberExtractor:
        with open(path, encoding="utf-8") as fh:
            raw = yaml.safe_load(fh) or {}
        return cls(TicketLexicon.from_dict(raw.get(TICKET_NUMBER) or {}))

    def canonical(self, year: str, sequence: str) -> str:
        return f"{self.lexicon.prefix}-{year}-{int(sequence):0{self.lexicon.sequence_digits}d}"

    def extract(self, text: str) -> list[Entity]:
        found: list[Entity] = []
        taken: list[tuple[int, int]] = []
        for index, pattern in enumerate(self._patterns):
            for match in pattern.finditer(text):
                if match.group("year"):
                    value = self.canonical(match.group("year"), match.group("seq"))
                    # The full pattern's span includes the prefix ("LPG-...").
                    start = match.start() if index == 0 else match.start("year")
                else:
                    value = match.group("num")
                    start = match.start("num")
                end = match.end()
                if any(start < t_end and t_start < end for t_start, t_end in taken):
                    continue
                taken.append((start, end))
                found.append(make_entity(TICKET_NUMBER, value, start, end))
        return sorted(found, key=lambda e: e["start"])
