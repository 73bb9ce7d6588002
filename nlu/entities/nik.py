"""`nik`: the 16 digits of an Indonesian NIK (citizen id), separators removed.

How a NIK is masked is a PII rule: see nlu.entities.pii.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from nlu.entities.common import Entity, longest_first, make_entity

NIK = "nik"
_DIGIT_SEP = r"[ .\-]"


@dataclass(frozen=True)
class NikExtractor:
    """`nik`: exactly 16 digits, optionally grouped ("1871 0123 4567 0001")."""

    digits: int = 16

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> NikExtractor:
        return cls(int(raw.get("digits", cls.digits)))

    @property
    def _patterns(self) -> tuple[re.Pattern[str], re.Pattern[str]]:
        edge_before = rf"(?<![\w])(?<!\d{_DIGIT_SEP})"
        # Unseparated: may follow another number after a space ("hp 0812... 1871...").
        plain = re.compile(rf"(?<![\w])(?<!\d[.\-])\d{{{self.digits}}}(?![\w]|[.\-]\d)")
        # Grouped: the whole separated digit run must hold exactly `digits` digits.
        grouped = re.compile(
            rf"{edge_before}\d{{2,8}}(?:{_DIGIT_SEP}\d{{2,8}})+(?![\w]|{_DIGIT_SEP}\d)"
        )
        return plain, grouped

    def extract(self, text: str) -> list[Entity]:
        found: list[Entity] = []
        for pattern in self._patterns:
            for match in pattern.finditer(text):
                digits = re.sub(r"\D", "", match.group())
                if len(digits) != self.digits or digits[0] == "0":
                    continue
                found.append(make_entity(NIK, digits, match.start(), match.end()))
        return longest_first(found)
