"""Which facet of a service topic a question asks for (knowledge/facets.yml).

"bikin paspor brp lama jadinya" asks for the duration, "telat bayar pajak
dendanya berapa" for the fines: an answer gives that facet only. The cues are
data; this module matches them, in the file's order, over the NLU's normalised
text, so "brp", "gmn" and "klo" count as "berapa", "bagaimana" and "kalau".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from nlu.normalize import Normalizer

FACETS_FILE = Path(__file__).with_name("facets.yml")


class FacetError(ValueError):
    pass


@dataclass(frozen=True)
class Facet:
    id: str
    label: str
    button: str
    cues: re.Pattern[str]
    # The facet's own words ("prosedur", "syarat"): they beat another facet's cue.
    strong: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Asked:
    facet: str | None
    strong: bool = False  # named by its own words, not inferred from a cue
    at: int = 0  # where in the matched text the facet is asked


@dataclass(frozen=True)
class FacetBook:
    facets: tuple[Facet, ...]  # in cue order: the first that matches is asked
    sources_cues: re.Pattern[str]
    button_order: tuple[str, ...] = ()

    def in_button_order(self) -> tuple[Facet, ...]:
        return tuple(self.get(facet_id) for facet_id in self.button_order)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.facets)

    def get(self, facet_id: str) -> Facet:
        for facet in self.facets:
            if facet.id == facet_id:
                return facet
        raise KeyError(facet_id)

    def asked_how(self, normalized: str) -> Asked:
        """The first facet whose own words are in the text, else the first whose
        cue matches, else none."""
        # Of several facets named outright, the first in the message ("bagaimana alur
        # pengajuan SKTM untuk keringanan biaya" asks the steps).
        named = [
            (found.start(), order, facet.id)
            for order, facet in enumerate(self.facets)
            if facet.strong is not None and (found := facet.strong.search(normalized))
        ]
        if named:
            at, _, facet_id = min(named)
            return Asked(facet_id, strong=True, at=at)
        for facet in self.facets:
            if found := facet.cues.search(normalized):
                return Asked(facet.id, at=found.start())
        return Asked(None)

    def wants_sources(self, normalized: str) -> bool:
        return bool(self.sources_cues.search(normalized))


def _pattern(cues: object, where: str) -> re.Pattern[str]:
    if not isinstance(cues, list) or not cues or not all(isinstance(c, str) for c in cues):
        raise FacetError(f"{where}: 'cues' must be a list of regular expressions")
    try:
        # At a word start: "cara" must not match inside "secara".
        return re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{c})" for c in cues) + ")")
    except re.error as error:
        raise FacetError(f"{where}: {error}") from error


def load_facets(path: Path = FACETS_FILE) -> FacetBook:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    facets = []
    for raw in data.get("facets") or []:
        facet_id = str(raw.get("id") or "")
        if not facet_id or not raw.get("label") or not raw.get("button"):
            raise FacetError(f"{path.name}: every facet needs 'id', 'label' and 'button'")
        strong = _pattern(raw["strong"], facet_id) if raw.get("strong") else None
        cues = _pattern(raw.get("cues"), facet_id)
        facets.append(Facet(facet_id, str(raw["label"]), str(raw["button"]), cues, strong))
    ids = [f.id for f in facets]
    if len(set(ids)) != len(ids):
        raise FacetError(f"{path.name}: a facet id is listed twice")
    order = tuple(str(b) for b in data.get("buttons") or ())
    if sorted(order) != sorted(ids):
        raise FacetError(f"{path.name}: 'buttons' must list every facet once")
    return FacetBook(tuple(facets), _pattern(data.get("sources_cues"), "sources_cues"), order)


@cache
def facet_book() -> FacetBook:
    return load_facets()


def normalized(text: str) -> str:
    return Normalizer.shared()(text)


def cue_text(text: str) -> str:
    """What the cues are matched against: the normalised message and, for English
    and the words the normaliser rewrites, the message as typed."""
    return f"{normalized(text)}\n{text.casefold()}"


def how_asked(text: str) -> Asked:
    """Which facet `text` asks for, whether in so many words, and where."""
    return facet_book().asked_how(cue_text(text))


def asked_facet(text: str) -> str | None:
    """The facet `text` asks for ("berapa lama" -> "lama"), or None."""
    return how_asked(text).facet
