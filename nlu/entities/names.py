"""PII the entity extractors do not look for: e-mail addresses and the name a
writer gives for themselves. Rules in nlu/data/lexicon/pii.yml; nlu.entities.pii
applies them with the NIK and phone masks.

A name is found only after a self-introduction, never guessed from capitals
alone: after a trigger ("nama saya", "a.n.") the next words whatever their case,
after "saya"/"aku"/"atas nama" only Capitalised ones ("saya Siti"). It ends at
punctuation, a digit, a stop word ("dari", "warga", "mau") or after `max_words`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from core.settings import ROOT_DIR
from nlu.entities.common import alternation, lexicon_words

DEFAULT_PII_LEXICON_PATH = ROOT_DIR / "nlu" / "data" / "lexicon" / "pii.yml"

Span = tuple[int, int, str]  # start, end, the mask

_EMAIL = re.compile(
    r"(?<![\w.+-])([A-Za-z0-9][A-Za-z0-9._%+-]*)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
    r"(?![\w-])"
)
_LETTERS = r"[^\W\d_]"
_WORD = re.compile(rf"{_LETTERS}+(?:['’-]{_LETTERS}+)*")
_GAP = re.compile(r"[ \t]*[:,]?[ \t]*")  # "nama saya: Budi", "nama saya, Budi"
_SPACES = re.compile(r"[ \t]*")  # "saya Siti", but not "kata saya, Budi datang"


def _hide_word(word: str, keep_head: int) -> str:
    return word[:keep_head] + "***"


@dataclass(frozen=True)
class EmailRule:
    keep_head: int = 1

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> EmailRule:
        return cls(int(raw.get("keep_head", cls.keep_head)))

    def spans(self, text: str) -> list[Span]:
        return [
            (m.start(), m.end(), f"{_hide_word(m.group(1), self.keep_head)}@{m.group(2)}")
            for m in _EMAIL.finditer(text)
        ]


@dataclass(frozen=True)
class NameRule:
    triggers: tuple[str, ...]
    capitalised_after: tuple[str, ...]
    titles: tuple[str, ...] = ()
    stop_words: tuple[str, ...] = ()
    max_words: int = 3
    keep_head: int = 1

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> NameRule:
        return cls(
            triggers=lexicon_words(raw, "triggers"),
            capitalised_after=lexicon_words(raw, "capitalised_after"),
            titles=lexicon_words(raw, "titles"),
            stop_words=lexicon_words(raw, "stop_words"),
            max_words=int(raw.get("max_words", cls.max_words)),
            keep_head=int(raw.get("keep_head", cls.keep_head)),
        )

    @cached_property
    def _trigger(self) -> re.Pattern[str]:
        def options(words: tuple[str, ...]) -> str:
            # The lexicon's spaces match any run of spaces.
            return alternation(words).replace(r"\ ", r"\s+") if words else r"(?!)"

        return re.compile(
            rf"(?<![\w.])(?:(?P<any>{options(self.triggers)})|(?P<cap>{options(self.capitalised_after)}))"
            r"(?![\w])",
            re.IGNORECASE,
        )

    def spans(self, text: str) -> list[Span]:
        found: list[Span] = []
        for trigger in self._trigger.finditer(text):
            found += self._name_after(
                text, trigger.end(), capitalised=trigger.group("cap") is not None
            )
        return found

    def _name_after(self, text: str, pos: int, *, capitalised: bool) -> list[Span]:
        words: list[Span] = []
        gap = _SPACES if capitalised else _GAP
        pos = gap.match(text, pos).end()  # type: ignore[union-attr]  # always matches
        at: int | None = pos
        while at is not None and len(words) < self.max_words:
            match = _WORD.match(text, at)
            if match is None:
                break
            word, at = match.group(), _after_space(text, match.end())
            folded = word.casefold()
            if not words and folded in self.titles:  # "Ibu Siti": the title stays
                continue
            if folded in self.stop_words or (capitalised and not _capitalised(word)):
                break
            words.append((match.start(), match.end(), _hide_word(word, self.keep_head)))
        return words


def _capitalised(word: str) -> bool:
    """'Siti' or 'SITI' but not 'siti': the writer marked it as a name."""
    return word[0].isupper()


def _after_space(text: str, pos: int) -> int | None:
    """Where the next word starts if only spaces follow `pos` (a name is one phrase)."""
    end = pos
    while end < len(text) and text[end] in " \t":
        end += 1
    return end if end > pos else None
