"""`time`: relative past times ("kemarin", "3 hari lalu", "tadi pagi").

The value is either an ISO 8601 duration with a leading "-" meaning "that long
ago" ("-P1D", "-P3D", "-P1W", "-P2M", "-P1Y", "-PT2H", "-PT30M") or a token for
part of the current day ("today_morning", "today_midday", "today_afternoon",
"today_evening", "last_night", "today_earlier", "just_now").
"""

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

TIME = "time"


class TimeExtractor:
    """`time`: relative past times -> "-P3D"-style durations or day-part tokens."""

    def __init__(
        self,
        phrases: dict[str, str],
        units: dict[str, str],
        numbers: dict[str, int],
        since: Sequence[str],
        ago: Sequence[str],
        fillers: Sequence[str] = (),
        one_prefix: str = "se",
    ) -> None:
        self.phrases = {" ".join(k.split()): v for k, v in phrases.items()}
        self.units = units
        self.numbers = numbers
        flags = re.IGNORECASE
        self._fixed = (
            re.compile(
                rf"{NOT_AFTER_WORD}(?:{phrase_alternation(self.phrases)}){NOT_BEFORE_WORD}", flags
            )
            if self.phrases
            else None
        )
        self._count_scan = None
        if units:
            unit = phrase_alternation(units)
            number = "|".join(
                [r"\d{1,3}", *(re.escape(w) for w in sorted(numbers, key=len, reverse=True))]
            )
            since_re = phrase_alternation(since) if since else r"(?!)"
            ago_re = phrase_alternation(ago) if ago else r"(?!)"
            filler = rf"(?:(?:{phrase_alternation(fillers)})\s+)?" if fillers else ""
            self._count_scan = at_every_start(
                rf"{NOT_AFTER_WORD}(?<![\d.,])"
                rf"(?:(?P<since>{since_re})\s+{filler})?"
                rf"(?:(?P<n>{number})\s*(?P<unit>{unit})|{re.escape(one_prefix)}(?P<unit1>{unit}))"
                rf"(?:\s+(?P<ago>{ago_re}))?{NOT_BEFORE_WORD}",
                flags,
            )

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> TimeExtractor:
        return cls(
            phrases={lexicon_word(k): str(v) for k, v in (raw.get("phrases") or {}).items()},
            units={lexicon_word(k): str(v) for k, v in (raw.get("units") or {}).items()},
            numbers={lexicon_word(k): int(v) for k, v in (raw.get("numbers") or {}).items()},
            since=lexicon_words(raw, "since"),
            ago=lexicon_words(raw, "ago"),
            fillers=lexicon_words(raw, "fillers"),
            one_prefix=lexicon_word(raw.get("one_prefix", "se")),
        )

    def extract(self, text: str) -> list[Entity]:
        candidates: list[Entity] = []
        if self._fixed is not None:
            for fixed in self._fixed.finditer(text):
                key = " ".join(fixed.group().lower().split())
                candidates.append(make_entity(TIME, self.phrases[key], fixed.start(), fixed.end()))
        if self._count_scan is not None:
            for match in self._count_scan.finditer(text):
                if not (match.group("since") or match.group("ago")):
                    continue
                unit = (match.group("unit") or match.group("unit1")).lower()
                raw_n = match.group("n")
                if raw_n is None:
                    n = 1
                elif raw_n.isdigit():
                    n = int(raw_n)
                else:
                    n = self.numbers[raw_n.lower()]
                if n == 0:
                    continue
                value = self.units[unit].format(n=n)
                start, end = match.span("whole")
                candidates.append(make_entity(TIME, value, start, end))
        return longest_first(candidates)
