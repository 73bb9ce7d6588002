"""The places of the gazetteer (gazetteer.py): what a place is, a match, a reading of
a typed text, and the words around place names (place_words.yml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

WORDS_FILE = Path(__file__).with_name("place_words.yml")

VILLAGE, DISTRICT, REGION = "village", "district", "region"
# Place.kind: what the place is called (and how it is written for the citizen).
KELURAHAN, DESA, KECAMATAN, KABUPATEN, KOTA = "kelurahan", "desa", "kecamatan", "kabupaten", "kota"
LEVEL = {KELURAHAN: VILLAGE, DESA: VILLAGE, KECAMATAN: DISTRICT, KABUPATEN: REGION, KOTA: REGION}

_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Place:
    id: str  # "v:1871101008", "d:187110", "r:bandar_lampung"
    kind: str  # KELURAHAN, DESA, KECAMATAN, KABUPATEN or KOTA
    name: str  # "Rajabasa Raya"; a kabupaten/kota without its kind: "Bandar Lampung"
    district: str | None  # its kecamatan (a kecamatan's own name)
    region_code: str
    region_name: str  # "Kota Bandar Lampung"
    lat: float
    lon: float

    @property
    def level(self) -> str:
        return LEVEL[self.kind]


@dataclass(frozen=True)
class PlaceMatch:
    place: Place
    score: float


@dataclass(frozen=True)
class Reading:
    """What a typed text says about a place: the likeliest places, best first, and
    whether the text reads as an address at all."""

    matches: list[PlaceMatch]
    address_like: bool  # an address word ("jl", "depan", "kel.") or a place after "di"
    content_words: int  # words that are neither fillers nor kind words
    covered_words: int  # of those, in the best match
    outside: str | None = None  # a place of another province named, when none of Lampung

    @property
    def mostly_place(self) -> bool:
        """The best match is most of what was typed ("sukarame", "rajabasa raya")."""
        return bool(self.matches) and 2 * self.covered_words >= self.content_words


@dataclass(frozen=True)
class PlaceWords:
    kinds: dict[str, str]  # word -> level
    abbreviations: dict[str, str]
    fillers: frozenset[str]
    address_cues: frozenset[str]
    common_words: frozenset[str]
    outside: tuple[str, ...]  # places of other provinces, as keys

    @classmethod
    def load(cls, path: Path = WORDS_FILE) -> PlaceWords:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        kinds = {_word(w): level for level, words in raw["kinds"].items() for w in words}
        return cls(
            kinds=kinds,
            abbreviations={_word(k): _word(v) for k, v in raw["abbreviations"].items()},
            fillers=frozenset(_word(w) for w in raw["fillers"]),
            address_cues=frozenset(_word(w) for w in raw["address_cues"]),
            common_words=frozenset(_word(w) for w in raw["common_words"]),
            outside=tuple(key(str(w)) for w in raw["outside"]),
        )


def _word(value: Any) -> str:
    return str(value).strip().lower().rstrip(".")


def key(name: str) -> str:
    return " ".join(_TOKEN.findall(name.lower()))


def squash(name: str) -> str:
    return "".join(_TOKEN.findall(name.lower()))
