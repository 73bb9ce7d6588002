"""Offline gazetteer: a typed place name -> Lampung's villages, kecamatan and kabupaten/kota.

A citizen who cannot share a pin types where the problem is ("kel rajabasa raya",
"sukarme", "di tanjung karang"). The names and centroids are those of
villages.csv.gz (the data region.py uses; docs/data.md); a kecamatan's and a
kabupaten/kota's point is the mean of its villages' centroids, so every place has
approximate coordinates. Kelurahan and desa are told apart by the Kemendagri code
(the village part starts with 1 for a kelurahan, 2 for a desa).

Matching: the text is cut into words (kind words such as "kel."/"kec."/"kab." and
short forms from place_words.yml understood), and every window of up to four
words is looked up exactly, as the start of a longer name ("tanjung karang" ->
Tanjungkarang Pusat/Barat/Timur), and fuzzily (rapidfuzz ratio, for typos), with
and without spaces ("raja basa" = "Rajabasa"). A place gains when its kecamatan or
kabupaten/kota is named too, so "sidodadi kec way lima" picks the right Sidodadi.
Built once (about 0.1 s) on first use or by ``preload()``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import groupby

from rapidfuzz import fuzz, process

from knowledge.geo.places import (
    DESA,
    DISTRICT,
    KABUPATEN,
    KECAMATAN,
    KELURAHAN,
    KOTA,
    REGION,
    VILLAGE,
    Place,
    PlaceMatch,
    PlaceWords,
    Reading,
    key,
    squash,
)
from knowledge.geo.region import LAMPUNG, Village, load_villages
from knowledge.regions import all_regions

MAX_WINDOW = 4
MIN_SCORE = 85.0  # below this nothing is offered
MARGIN = 12.0  # candidates this close to the best one are offered beside it
PREFIX_SCORE = 88.0
LONGER_WINDOW_BONUS = 4.0  # per word beyond the first: "rajabasa raya" over "rajabasa"
KIND_BONUS, KIND_PENALTY = 5.0, 10.0
CONTEXT_BONUS = 10.0  # its kecamatan or kabupaten/kota named elsewhere in the text
COMMON_PENALTY = 20.0  # a one-word name that is an everyday word ("ujung", "baru")
STREET_PENALTY = 15.0  # inside a street name ("jl. za pagar alam") a place is less likely
HINT_SCORE = 100.0  # a kabupaten/kota the NLU found by a short form ("balam", "lamsel")
CONTEXT_MIN = 95.0  # a kecamatan or kabupaten/kota named this surely gives context
PREFIX_MIN_CHARS = 8  # one word as the start of a longer name ("rajabasa" -> "rajabasa raya")
STREET_MIN_CHARS = 6  # one word of a street name this short is not looked up

_TOKEN = re.compile(r"[^\W_]+")
_SEPARATOR = re.compile(r"[,;/()\n|]")


def _fuzzy_cutoff(words: int, chars: int) -> float:
    """How like a name a window must be (compared without spaces): a short word allows
    no more than one letter more or less, several words a little less than one word."""
    if words > 1:
        return 86.0
    return 90.0 if chars <= 6 else MIN_SCORE


@dataclass(frozen=True)
class _Token:
    word: str
    start: int
    kind: str | None  # the level a kind word names
    filler: bool
    in_street: bool


@dataclass
class _Hit:
    score: float
    span: tuple[int, int, int]  # segment, first and past-last token
    fuzzy: bool = False  # only like the name, not the name or its start


@dataclass
class _Index:
    exact: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    prefix: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    spaced: set[str] = field(default_factory=set)
    squashed: list[str] = field(default_factory=list)

    def add(self, key: str, place: Place) -> None:
        words = key.split()
        self.spaced.add(key)
        for spelling in {key, "".join(words)}:
            if place not in self.exact[spelling]:
                self.exact[spelling].append(place)
        for n in range(1, len(words)):
            for spelling in {" ".join(words[:n]), "".join(words[:n])}:
                if place not in self.prefix[spelling]:
                    self.prefix[spelling].append(place)

    def freeze(self) -> None:
        self.squashed = sorted({k.replace(" ", "") for k in self.spaced})


class Gazetteer:
    def __init__(self, villages: Iterable[Village], words: PlaceWords) -> None:
        self.words = words
        self._places: dict[str, Place] = {}
        self._index = _Index()
        lampung = [v for v in villages if v.province == LAMPUNG]
        regions = {r.bps_code: r for r in all_regions()}
        by_district: dict[str, list[Village]] = defaultdict(list)
        by_region: dict[str, list[Village]] = defaultdict(list)
        for v in lampung:
            region = regions[v.regency_code]
            kind = KELURAHAN if v.code[6:7] == "1" else DESA
            self._add(Place(f"v:{v.code}", kind, v.name, v.district, region.code,
                            region.name, v.lat, v.lon))  # fmt: skip
            by_district[v.code[:6]].append(v)
            by_region[region.code].append(v)
        for code, members in by_district.items():
            first = members[0]
            region = regions[first.regency_code]
            lat, lon = _mean(members)
            self._add(Place(f"d:{code}", KECAMATAN, first.district, first.district,
                            region.code, region.name, lat, lon))  # fmt: skip
        for region in regions.values():
            lat, lon = _mean(by_region[region.code])
            short = region.name.split(" ", 1)[1]  # "Kota Bandar Lampung" -> "Bandar Lampung"
            kind = KOTA if region.kind == KOTA else KABUPATEN
            self._add(Place(f"r:{region.code}", kind, short, None, region.code, region.name,
                            lat, lon))  # fmt: skip
        self._index.freeze()

    def _add(self, place: Place) -> None:
        self._places[place.id] = place
        words = [self.words.abbreviations.get(w, w) for w in key(place.name).split()]
        self._index.add(" ".join(words), place)

    # --- look-ups ---------------------------------------------------------
    def place(self, place_id: str) -> Place | None:
        return self._places.get(place_id)

    def region_place(self, region_code: str) -> Place | None:
        return self._places.get(f"r:{region_code}")

    def places(self) -> list[Place]:
        return list(self._places.values())

    def read(
        self,
        text: str,
        *,
        street_spans: Sequence[tuple[int, int]] = (),
        region_hints: Sequence[tuple[str, int, int]] = (),
        region: str | None = None,
        limit: int = 3,
    ) -> Reading:
        """The likeliest places for `text` (at most `limit`), optionally only within the
        kabupaten/kota `region`. `street_spans` are character spans of street names,
        `region_hints` kabupaten/kota the NLU found in the text by a short form
        ("balam", "lamsel"): (code, start, end)."""
        segments = self._tokens(text, street_spans)
        hits: dict[str, _Hit] = {}
        for s, tokens in enumerate(segments):
            taken: set[int] = set()  # words of a longer name that matched exactly
            for size in range(min(len(tokens), MAX_WINDOW), 0, -1):
                for i in range(len(tokens) - size + 1):
                    if not taken.issuperset(range(i, i + size)):
                        taken.update(self._window(tokens, (s, i, i + size), hits))
        for code, start, end in region_hints:
            place = self.region_place(code)
            if place and (place.id not in hits or hits[place.id].score < HINT_SCORE):
                hits[place.id] = _Hit(HINT_SCORE, _span_of(segments, start, end))
        scored = self._with_context(hits)
        if region is not None:
            scored = {
                pid: sc for pid, sc in scored.items() if self._places[pid].region_code == region
            }
        matches = self._pick(scored, hits, limit)
        outside = None
        if all(hits[m.place.id].fuzzy for m in matches):  # no place of Lampung spelt out
            outside = self._outside(text, street_spans)
            if outside:
                matches = []  # "palembang" is Palembang, not a look-alike village of Lampung
        content = [t for seg in segments for t in seg if not t.filler and t.kind is None]
        covered = 0
        cue = any(t.word in self.words.address_cues or t.kind for seg in segments for t in seg)
        if matches:
            s, i, j = hits[matches[0].place.id].span
            if s >= 0:
                covered = sum(1 for t in segments[s][i:j] if not t.filler and t.kind is None)
                before = segments[s][i - 1] if i > 0 else None
                cue = cue or bool(before and (before.filler or before.kind))
        return Reading(matches, cue, len(content), covered, None if matches else outside)

    def _outside(self, text: str, street_spans: Sequence[tuple[int, int]]) -> str | None:
        for start, end in street_spans:  # "jl. Pagar Alam" is a street of Bandar Lampung
            text = text[:start] + " " * (end - start) + text[end:]
        typed = f" {key(text)} "
        return next((name for name in self.words.outside if f" {name} " in typed), None)

    # --- matching ---------------------------------------------------------
    def _tokens(self, text: str, street_spans: Sequence[tuple[int, int]]) -> list[list[_Token]]:
        segments: list[list[_Token]] = [[]]
        lowered = text.lower()
        last = 0
        for match in _TOKEN.finditer(lowered):
            if _SEPARATOR.search(lowered, last, match.start()) and segments[-1]:
                segments.append([])
            last = match.end()
            word = match.group()
            word = self.words.abbreviations.get(word, word)
            in_street = any(a <= match.start() < b for a, b in street_spans)
            segments[-1].append(_Token(word, match.start(), self.words.kinds.get(word),
                                       word in self.words.fillers, in_street))  # fmt: skip
        return [s for s in segments if s]

    def _window(self, tokens: list[_Token], span: tuple[int, int, int],
                hits: dict[str, _Hit]) -> range:  # fmt: skip
        """Look the window up; returns the words a multi-word exact match took."""
        s, i, j = span
        window = tokens[i:j]
        last = window[-1]
        if last.kind or last.filler or any(t.kind for t in window[1:]):
            return range(0)
        first = window[0]
        exact = False
        if first.kind:
            if len(window) > 1 and not window[1].filler:
                exact = self._query(window[1:], first.kind, (s, i + 1, j), hits)
            exact = self._query(window, None, span, hits) or exact  # "kota agung" is a name
        elif not first.filler:
            exact = self._query(window, None, span, hits)
        return range(i, j) if exact and j - i > 1 else range(0)

    def _query(self, window: list[_Token], kind: str | None, span: tuple[int, int, int],
               hits: dict[str, _Hit]) -> bool:  # fmt: skip
        """Record the places the window names; True when one matched exactly."""
        spaced = " ".join(t.word for t in window)
        squashed = spaced.replace(" ", "")
        street = any(t.in_street for t in window)
        if street and len(window) == 1 and len(squashed) < STREET_MIN_CHARS:
            return False  # "pagar" of "jl. za pagar alam"
        found: dict[str, float] = {}
        for place in self._index.exact.get(spaced, []) + self._index.exact.get(squashed, []):
            found[place.id] = 100.0
        exact = bool(found)
        fuzzy: set[str] = set()
        if len(window) > 1 or len(squashed) >= PREFIX_MIN_CHARS:
            for place in self._index.prefix.get(spaced, []) + self._index.prefix.get(squashed, []):
                found.setdefault(place.id, PREFIX_SCORE)
        if len(squashed) >= 5 and not exact:  # a name spelt right needs no look-alikes
            cutoff = _fuzzy_cutoff(len(window), len(squashed))
            for key, score, _ in process.extract(
                squashed, self._index.squashed, scorer=fuzz.ratio, score_cutoff=cutoff, limit=8
            ):
                for place in self._index.exact.get(key, []):
                    if score > found.get(place.id, 0.0):
                        found[place.id] = float(score)
                        fuzzy.add(place.id)
        for pid, base in found.items():
            score = base + LONGER_WINDOW_BONUS * (len(window) - 1)
            if kind:
                level = self._places[pid].level
                score += KIND_BONUS if level == kind else -KIND_PENALTY
            if street:
                score -= STREET_PENALTY
            if len(window) == 1 and not kind and squashed in self.words.common_words:
                score -= COMMON_PENALTY
            if pid not in hits or score > hits[pid].score:
                hits[pid] = _Hit(score, span, pid in fuzzy)
        return exact

    def _pick(self, scored: dict[str, float], hits: dict[str, _Hit],
              limit: int) -> list[PlaceMatch]:  # fmt: skip
        """The best places within MARGIN of the best: on a tie a kelurahan before a desa
        (more people live there) and, for a name many kabupaten have, one per
        kabupaten/kota first. A name typed as it is spelt in the data ("way halim") is
        not second-guessed with names that only look like it ("way halom")."""
        ranked = sorted(scored.items(), key=lambda item: (-item[1], self._tie_order(item[0])))
        best = ranked[0][1] if ranked else 0.0
        spelt = bool(ranked) and not hits[ranked[0][0]].fuzzy
        close = [
            (p, sc)
            for p, sc in ranked
            if sc >= MIN_SCORE and sc >= best - MARGIN and not (spelt and hits[p].fuzzy)
        ]
        chosen: list[tuple[str, float]] = []
        for _, group in groupby(close, key=lambda item: item[1]):
            seen: set[str] = set()
            first: list[tuple[str, float]] = []
            later: list[tuple[str, float]] = []
            for pid, score in group:
                region = self._places[pid].region_code
                (later if region in seen else first).append((pid, score))
                seen.add(region)
            chosen += first + later
        return [PlaceMatch(self._places[pid], round(sc, 1)) for pid, sc in chosen[:limit]]

    def _tie_order(self, place_id: str) -> tuple[int, int, str]:
        place = self._places[place_id]
        return _LEVEL_ORDER[place.level], int(place.kind != KELURAHAN), place_id

    def _with_context(self, hits: dict[str, _Hit]) -> dict[str, float]:
        """Scores with the context bonus; a kecamatan is dropped when a village of the
        same name in it matched the same words (the village says both)."""
        scored: dict[str, float] = {}
        for pid, hit in hits.items():
            place = self._places[pid]
            score = hit.score
            if place.level == VILLAGE:
                district = hits.get(f"d:{pid[2:8]}")
                if district and district.score >= CONTEXT_MIN and _apart(district.span, hit.span):
                    score += CONTEXT_BONUS
            if place.level != REGION:
                region = hits.get(f"r:{place.region_code}")
                if region and region.score >= CONTEXT_MIN and _apart(region.span, hit.span):
                    score += CONTEXT_BONUS
            scored[pid] = score
        for pid in [p for p in scored if p.startswith("d:")]:
            name = squash(self._places[pid].name)
            if any(
                other.startswith(f"v:{pid[2:]}")
                and squash(self._places[other].name) == name
                and hits[other].span == hits[pid].span
                and scored[other] >= scored[pid]
                for other in scored
            ):
                del scored[pid]
        return scored


_LEVEL_ORDER = {VILLAGE: 0, DISTRICT: 1, REGION: 2}


def _span_of(segments: list[list[_Token]], start: int, end: int) -> tuple[int, int, int]:
    """The words of the character span start:end as a window (-1 when none)."""
    for s, tokens in enumerate(segments):
        inside = [i for i, t in enumerate(tokens) if start <= t.start < end]
        if inside:
            return s, inside[0], inside[-1] + 1
    return -1, 0, 0


def _apart(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    """Two windows that share no word (a hint's span, -1, shares none)."""
    return a[0] != b[0] or a[2] <= b[1] or b[2] <= a[1]


def _mean(villages: Sequence[Village]) -> tuple[float, float]:
    return (
        round(sum(v.lat for v in villages) / len(villages), 6),
        round(sum(v.lon for v in villages) / len(villages), 6),
    )


@cache
def default_gazetteer() -> Gazetteer:
    return Gazetteer(load_villages(), PlaceWords.load())


def preload() -> None:
    default_gazetteer()
