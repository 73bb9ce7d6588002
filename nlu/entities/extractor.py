"""EntityExtractor: runs every rule-based extractor and resolves overlapping spans."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from nlu.entities.common import DEFAULT_ENTITY_LEXICON_PATH, Entity, load_lexicon
from nlu.entities.nik import NIK, NikExtractor
from nlu.entities.phone import PHONE, PhoneExtractor
from nlu.entities.region import REGION, RegionExtractor
from nlu.entities.relative_time import TIME, TimeExtractor
from nlu.entities.street import STREET, StreetExtractor
from nlu.entities.ticket_number import TICKET_NUMBER, TicketLexicon, TicketNumberExtractor

# Overlap priority, highest first. `region` and `street` may overlap each other.
_PRIORITY = (NIK, PHONE, TIME, TICKET_NUMBER, REGION, STREET)
_MAY_OVERLAP = frozenset({frozenset({REGION, STREET})})


class EntityExtractor:
    """Runs every rule-based extractor; the single entry point for the parser."""

    def __init__(
        self,
        tickets: TicketNumberExtractor,
        regions: RegionExtractor | None = None,
        nik: NikExtractor | None = None,
        phone: PhoneExtractor | None = None,
        street: StreetExtractor | None = None,
        time: TimeExtractor | None = None,
    ) -> None:
        self.tickets = tickets
        self.regions = regions
        self.nik = nik
        self.phone = phone
        self.street = street
        self.time = time

    @classmethod
    def from_file(cls, path: Path = DEFAULT_ENTITY_LEXICON_PATH) -> EntityExtractor:
        raw = load_lexicon(path)

        def section(name: str) -> dict[str, Any] | None:
            value = raw.get(name)
            return value if isinstance(value, dict) else None

        region, nik, phone = section(REGION), section(NIK), section(PHONE)
        street, time = section(STREET), section(TIME)
        return cls(
            TicketNumberExtractor(TicketLexicon.from_dict(section(TICKET_NUMBER) or {})),
            regions=RegionExtractor.from_dict(region) if region is not None else None,
            nik=NikExtractor.from_dict(nik) if nik is not None else None,
            phone=PhoneExtractor.from_dict(phone) if phone is not None else None,
            street=StreetExtractor.from_dict(street) if street is not None else None,
            time=TimeExtractor.from_dict(time) if time is not None else None,
        )

    def extract(self, text: str) -> list[Entity]:
        candidates = list(self.tickets.extract(text))
        regions = self.regions.extract(text) if self.regions else []
        times = self.time.extract(text) if self.time else []
        candidates += regions + times
        if self.nik:
            candidates += self.nik.extract(text)
        if self.phone:
            candidates += self.phone.extract(text)
        if self.street:
            candidates += self.street.extract(
                text, (e["start"] for e in regions), (e["start"] for e in times)
            )
        kept: list[Entity] = []
        for ent in sorted(candidates, key=lambda e: (_PRIORITY.index(e["entity"]), e["start"])):
            clash = any(
                ent["start"] < other["end"]
                and other["start"] < ent["end"]
                and frozenset({ent["entity"], other["entity"]}) not in _MAY_OVERLAP
                for other in kept
            )
            if not clash:
                kept.append(ent)
        return sorted(kept, key=lambda e: (e["start"], e["end"]))


@lru_cache(maxsize=1)
def default_extractor() -> EntityExtractor:
    """The extractor for the default lexicon, built once."""
    return EntityExtractor.from_file()


def extract_entities(text: str) -> list[Entity]:
    """Convenience with the default lexicon (the parser uses its model's copy)."""
    return default_extractor().extract(text)
