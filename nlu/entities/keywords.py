"""Keyword entities: whole-word phrases mapped to a canonical value (`darurat`: emergency kind)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from nlu.entities.common import Entity, make_entity, phrase_alternation

DANGER = "darurat"


class KeywordExtractor:
    """Whole-word phrases mapped to a canonical value, e.g. emergency words -> kind.

    Keyword entities are signals, not spans to claim: they may overlap anything.
    """

    def __init__(self, entity: str, groups: dict[str, Sequence[str]]) -> None:
        self.entity = entity
        self._value = {p.casefold(): value for value, phrases in groups.items() for p in phrases}
        pattern = phrase_alternation(self._value)
        self._pattern = re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE)

    def extract(self, text: str) -> list[Entity]:
        found = []
        for match in self._pattern.finditer(text):
            key = " ".join(match.group().casefold().replace(".", " ").split())
            value = self._value.get(key) or self._value.get(match.group().casefold())
            if value is not None:
                found.append(make_entity(self.entity, value, match.start(), match.end()))
        return found
