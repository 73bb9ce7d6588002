"""`phone`: Indonesian mobile numbers (08.., +62 8.., 62 8..) -> E.164 "+628...".

How a phone number is masked is a PII rule: see nlu.entities.pii.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from nlu.entities.common import Entity, make_entity

PHONE = "phone"


@dataclass(frozen=True)
class PhoneExtractor:
    """`phone`: 08.., +62 8.., 62 8.. with spaces/dashes/dots -> E.164 "+628..."."""

    # Length of the national form ("08...").
    min_digits: int = 10
    max_digits: int = 13

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> PhoneExtractor:
        return cls(**{k: int(raw[k]) for k in ("min_digits", "max_digits") if k in raw})

    _PATTERN = re.compile(r"(?<![\w+])(?:\+\s?62|62|0)[ \-.]?(?P<rest>8\d*(?:[ \-.]\d+)*)(?!\d)")

    def extract(self, text: str) -> list[Entity]:
        found: list[Entity] = []
        for match in self._PATTERN.finditer(text):
            rest = match.group("rest")
            # A greedy run may swallow a following number ("0812... 1871..."):
            # drop trailing digit groups until the length fits.
            groups = list(re.finditer(r"\d+", rest))
            while groups:
                national = "0" + "".join(g.group() for g in groups)
                if len(national) <= self.max_digits:
                    break
                groups.pop()
            if not groups or len(national) < self.min_digits:
                continue
            end = match.start("rest") + groups[-1].end()
            found.append(make_entity(PHONE, "+62" + national[1:], match.start(), end))
        return found
