"""`region`: Lampung's kabupaten/kota names, short forms and capitals -> canonical code."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from nlu.entities.common import (
    NOT_AFTER_WORD,
    NOT_BEFORE_WORD,
    Entity,
    at_every_start,
    lexicon_word,
    lexicon_words,
    longest_first,
    make_entity,
    phrase_alternation,
)

REGION = "region"


class RegionExtractor:
    """`region`: kabupaten/kota names, short forms and capitals -> canonical code."""

    def __init__(self, aliases: dict[str, Sequence[str]], prefixes: Sequence[str] = ()) -> None:
        self.codes: dict[str, str] = {}
        for code, names in aliases.items():
            for name in names:
                key = " ".join(lexicon_word(name).split())
                if self.codes.get(key, code) != code:
                    raise ValueError(f"region lexicon: {name!r} is listed for two regions")
                self.codes[key] = code
        # Key the alias back from the matched text: drop spaces/dashes/dots.
        self._by_squashed = {self._squash(k): v for k, v in self.codes.items()}
        prefix = phrase_alternation(prefixes) if prefixes else ""
        names_re = phrase_alternation(self.codes, gap=r"[\s\-]*")
        # With and without the prefix, each tried at every position in one scan.
        self._scans = (
            [
                at_every_start(
                    rf"{NOT_AFTER_WORD}(?:(?:{prefix})\s*)?(?P<name>{names_re}){NOT_BEFORE_WORD}",
                    re.IGNORECASE,
                ),
                at_every_start(
                    rf"{NOT_AFTER_WORD}(?P<name>{names_re}){NOT_BEFORE_WORD}", re.IGNORECASE
                ),
            ]
            if self.codes
            else []
        )

    @staticmethod
    def _squash(text: str) -> str:
        return re.sub(r"[\s.\-]+", "", text.lower())

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> RegionExtractor:
        aliases = raw.get("aliases") or {}
        return cls(
            {str(code): [lexicon_word(n) for n in names or ()] for code, names in aliases.items()},
            lexicon_words(raw, "prefixes"),
        )

    def extract(self, text: str) -> list[Entity]:
        candidates: list[Entity] = []
        # With and without the prefix, so "kota agung" (a name) beats "kota" + nothing,
        # and the longest alias at every position is considered.
        for scan in self._scans:
            for match in scan.finditer(text):
                code = self._by_squashed.get(self._squash(match.group("name")))
                if code is not None:
                    start, end = match.span("whole")
                    candidates.append(make_entity(REGION, code, start, end))
        return longest_first(candidates)
