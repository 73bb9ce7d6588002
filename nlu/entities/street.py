"""`street`: the street name after "jl."/"jln"/"jalan", words capitalised."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from nlu.entities.common import NOT_AFTER_WORD, Entity, alternation, lexicon_words, make_entity

STREET = "street"
_NAME_WORD = re.compile(r"[ \t]*(?P<word>[^\W\d_][\w'’]*(?:-[^\W_][\w'’]*)*)(?P<dot>\.)?")


@dataclass(frozen=True)
class StreetLexicon:
    triggers: tuple[str, ...] = ("jalan", "jln", "jl")
    stop_words: frozenset[str] = frozenset()
    non_name_first: frozenset[str] = frozenset()
    not_alone: frozenset[str] = frozenset()
    abbreviations: frozenset[str] = frozenset()
    max_words: int = 6

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> StreetLexicon:
        return cls(
            triggers=lexicon_words(raw, "triggers") or cls.triggers,
            stop_words=frozenset(lexicon_words(raw, "stop_words")),
            non_name_first=frozenset(lexicon_words(raw, "non_name_first")),
            not_alone=frozenset(lexicon_words(raw, "not_alone")),
            abbreviations=frozenset(lexicon_words(raw, "abbreviations")),
            max_words=int(raw.get("max_words", cls.max_words)),
        )


class StreetExtractor:
    """`street`: the name after "jl."/"jln"/"jalan", capitalised ("Teuku Umar")."""

    def __init__(self, lexicon: StreetLexicon) -> None:
        self.lexicon = lexicon
        triggers = alternation(lexicon.triggers)
        # The trigger must be a whole word followed by "." or a space ("jalannya" is not).
        self._trigger = re.compile(rf"{NOT_AFTER_WORD}(?:{triggers})(?:\.[ \t]*|[ \t]+)", re.I)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> StreetExtractor:
        return cls(StreetLexicon.from_dict(raw))

    @staticmethod
    def _capitalise(word: str) -> str:
        if word.isupper() and len(word) <= 4:
            return word  # "ZA", "KH"
        return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))

    def extract(
        self, text: str, region_starts: Iterable[int] = (), time_starts: Iterable[int] = ()
    ) -> list[Entity]:
        lex = self.lexicon
        regions, times = set(region_starts), set(time_starts)
        found: list[Entity] = []
        for trigger in self._trigger.finditer(text):
            pos = trigger.end()
            words: list[tuple[str, int, int]] = []  # (display, start, end)
            while len(words) < lex.max_words:
                match = _NAME_WORD.match(text, pos)
                if match is None:
                    break
                word = match.group("word")
                lower = word.lower()
                w_start = match.start("word")
                if lower in lex.stop_words or w_start in times:
                    break
                if not words and lower in lex.non_name_first:
                    break
                plain = all(w[0].lower().rstrip(".") in lex.not_alone for w in words)
                if words and w_start in regions and not plain:
                    break  # "jl. sultan agung bandar lampung": the region is not the name
                dot = match.group("dot")
                abbreviation = dot is not None and (len(word) <= 2 or lower in lex.abbreviations)
                display = self._capitalise(word) + ("." if abbreviation else "")
                words.append((display, w_start, match.end() if abbreviation else match.end("word")))
                pos = match.end()
                if dot is not None and not abbreviation:
                    break  # sentence-ending period
            # Don't end on an abbreviation ("jl. h.") or on not-alone words only.
            while words and words[-1][0].endswith("."):
                words.pop()
            if not words or all(w[0].lower() in lex.not_alone for w in words):
                continue
            value = " ".join(w[0] for w in words)
            found.append(make_entity(STREET, value, words[0][1], words[-1][2]))
        return found
