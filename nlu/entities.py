"""Rule-based entity extractors (Rasa-shaped entities, offsets into the original text).

Word lists come from nlu/data/lexicon/entities.yml. Extractors run on the
original text, not the normalised one, so `start`/`end` point at what the user
actually typed (`text[start:end]` is the matched span).

Entities and their `value` formats:

- `ticket_number`: "LPG-2026-000123" (canonical) or a bare number string ("123").
- `region`: canonical code of one of Lampung's 15 kabupaten/kota, e.g.
  "bandar_lampung", "lampung_tengah", "tulang_bawang_barat". The span includes a
  leading "kota"/"kab."/"kabupaten".
- `nik`: the 16 digits of an Indonesian NIK, separators removed ("1871012345670001").
- `phone`: E.164, e.g. "+6281234567890" (from "0812-3456-7890", "+62 812 ...", "62812...").
- `street`: the street name after "jl."/"jln"/"jalan", words capitalised
  ("jln teuku umar no 5" -> "Teuku Umar"); the span covers the name only.
- `time`: a string, either
    * an ISO 8601 duration with a leading "-" meaning "that long ago":
      "-P1D" (kemarin), "-P3D" (3 hari lalu), "-P1W" (seminggu / minggu lalu),
      "-P2M", "-P1Y", "-PT2H" (2 jam lalu), "-PT30M" (30 menit lalu); or
    * a token for part of the current day: "today_morning" (tadi pagi),
      "today_midday" (tadi siang), "today_afternoon" (tadi sore),
      "today_evening" (tadi malam), "last_night" (semalam),
      "today_earlier" (tadi), "just_now" (barusan).

When spans overlap, priority is nik > phone > time > ticket_number > region > street;
`region` and `street` may overlap each other ("jl. raya metro").

`mask_pii(text)` replaces NIKs with their first 6 digits + "**********" and phone
numbers with "0812******89" (first 4 and last 2 digits of the national form kept).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from core.settings import ROOT_DIR

DEFAULT_ENTITY_LEXICON_PATH = ROOT_DIR / "nlu" / "data" / "lexicon" / "entities.yml"
EXTRACTOR_NAME = "LaporinEntityExtractor"
TICKET_NUMBER = "ticket_number"

Entity = dict[str, Any]

_NOT_AFTER_WORD = r"(?<![^\W_])"  # not glued to a preceding letter/digit
_SEP = r"[\s.:#\-]*"
# The number must end there: no more digits, and not "1.500" / "2,5".
_NUMBER_END = r"(?!\d|[.,]\d)"


def _alternation(words: Iterable[str]) -> str:
    # Longest first so "nomor" wins over "no".
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class TicketLexicon:
    prefix: str = "LPG"
    sequence_digits: int = 6
    keywords: tuple[str, ...] = ("tiket", "laporan")
    fillers: tuple[str, ...] = ("no", "nomor")
    number_words: tuple[str, ...] = ("no", "nomor")
    status_words: tuple[str, ...] = ("cek", "status")
    direct_words: tuple[str, ...] = ("cek", "status")

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> TicketLexicon:
        lists = {
            key: tuple(_word(w) for w in raw[key])
            for key in ("keywords", "fillers", "number_words", "status_words", "direct_words")
            if key in raw
        }
        return cls(
            prefix=str(raw.get("prefix", cls.prefix)).upper(),
            sequence_digits=int(raw.get("sequence_digits", cls.sequence_digits)),
            **lists,
        )


def _word(value: object) -> str:
    # YAML 1.1 turns an unquoted `no` into False: fail loudly instead.
    if not isinstance(value, str):
        raise ValueError(f"entity lexicon: {value!r} is not a word (quote it in the YAML)")
    return value.lower()


class TicketNumberExtractor:
    """`ticket_number`: "LPG-2026-000123" in any spelling, or a bare number after
    a ticket keyword ("cek tiket 123" -> "123")."""

    def __init__(self, lexicon: TicketLexicon) -> None:
        self.lexicon = lexicon
        number = (
            r"(?:(?P<year>(?:19|20)\d{2})[\s\-_/.]+(?P<seq>\d{1,9})"
            rf"|(?P<num>\d{{1,8}})){_NUMBER_END}"
        )
        kw = _alternation(lexicon.keywords)
        fill = _alternation(lexicon.fillers)
        status = _alternation(lexicon.status_words)
        numw = _alternation(lexicon.number_words)
        direct = _alternation(lexicon.direct_words)
        flags = re.IGNORECASE
        # Ordered by confidence; later patterns never overlap earlier matches.
        self._patterns = [
            re.compile(
                rf"{_NOT_AFTER_WORD}{re.escape(lexicon.prefix)}[\s\-_/.#:]*"
                r"(?P<year>(?:19|20)\d{2})[\s\-_/.#:]*(?P<seq>\d{1,9})(?!\d)",
                flags,
            ),
            re.compile(
                rf"{_NOT_AFTER_WORD}(?:{kw})(?:nya)?\b(?:{_SEP}(?:{fill})\b){{0,3}}{_SEP}{number}",
                flags,
            ),
            re.compile(
                rf"(?:^\s*|{_NOT_AFTER_WORD}(?:{status})\s+)(?:{numw})\b{_SEP}{number}",
                flags,
            ),
            re.compile(rf"{_NOT_AFTER_WORD}(?:{direct})\s*[:#]?\s*{number}", flags),
        ]

    @classmethod
    def from_file(cls, path: Path = DEFAULT_ENTITY_LEXICON_PATH) -> TicketNumberExtractor:
        with open(path, encoding="utf-8") as fh:
            raw = yaml.safe_load(fh) or {}
        return cls(TicketLexicon.from_dict(raw.get(TICKET_NUMBER) or {}))

    def canonical(self, year: str, sequence: str) -> str:
        return f"{self.lexicon.prefix}-{year}-{int(sequence):0{self.lexicon.sequence_digits}d}"

    def extract(self, text: str) -> list[Entity]:
        found: list[Entity] = []
        taken: list[tuple[int, int]] = []
        for index, pattern in enumerate(self._patterns):
            for match in pattern.finditer(text):
                if match.group("year"):
                    value = self.canonical(match.group("year"), match.group("seq"))
                    # The full pattern's span includes the prefix ("LPG-...").
                    start = match.start() if index == 0 else match.start("year")
                else:
                    value = match.group("num")
                    start = match.start("num")
                end = match.end()
                if any(start < t_end and t_start < end for t_start, t_end in taken):
                    continue
                taken.append((start, end))
                found.append(_entity(TICKET_NUMBER, value, start, end))
        return sorted(found, key=lambda e: e["start"])


def _entity(name: str, value: str, start: int, end: int) -> Entity:
    return {
        "entity": name,
        "value": value,
        "start": start,
        "end": end,
        "extractor": EXTRACTOR_NAME,
    }


# --- shared helpers -------------------------------------------------------------------

_NOT_BEFORE_WORD = r"(?![^\W_])"  # not glued to a following letter/digit


def _load(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"entity lexicon {path}: top level must be a mapping")
    return raw


def _words(raw: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(_word(w) for w in raw.get(key) or ())


def _phrase_pattern(phrase: str, gap: str = r"\s+") -> str:
    """Regex for a lexicon phrase: its spaces match `gap`, a trailing "." is optional."""
    parts = []
    for part in phrase.split():
        dot = part.endswith(".")
        part = part.rstrip(".")
        parts.append(re.escape(part) + (r"\.?" if dot else ""))
    return gap.join(parts)


def _phrases(phrases: Iterable[str], gap: str = r"\s+") -> str:
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(_phrase_pattern(p, gap) for p in ordered)


def _overlaps(span: tuple[int, int], taken: Iterable[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _longest_first(candidates: list[Entity]) -> list[Entity]:
    """Non-overlapping subset, preferring longer then earlier spans."""
    kept: list[Entity] = []
    spans: list[tuple[int, int]] = []
    for ent in sorted(candidates, key=lambda e: (e["start"] - e["end"], e["start"])):
        span = (ent["start"], ent["end"])
        if not _overlaps(span, spans):
            spans.append(span)
            kept.append(ent)
    return sorted(kept, key=lambda e: e["start"])


# --- region -----------------------------------------------------------------------------

REGION = "region"


class RegionExtractor:
    """`region`: kabupaten/kota names, short forms and capitals -> canonical code."""

    def __init__(self, aliases: dict[str, Sequence[str]], prefixes: Sequence[str] = ()) -> None:
        self.codes: dict[str, str] = {}
        for code, names in aliases.items():
            for name in names:
                key = " ".join(_word(name).split())
                if self.codes.get(key, code) != code:
                    raise ValueError(f"region lexicon: {name!r} is listed for two regions")
                self.codes[key] = code
        # Key the alias back from the matched text: drop spaces/dashes/dots.
        self._by_squashed = {self._squash(k): v for k, v in self.codes.items()}
        prefix = _phrases(prefixes) if prefixes else ""
        names_re = _phrases(self.codes, gap=r"[\s\-]*")
        self._pattern = (
            re.compile(
                rf"{_NOT_AFTER_WORD}(?:(?:{prefix})\s*)?(?P<name>{names_re}){_NOT_BEFORE_WORD}",
                re.IGNORECASE,
            )
            if self.codes
            else None
        )
        self._bare = (
            re.compile(rf"{_NOT_AFTER_WORD}(?P<name>{names_re}){_NOT_BEFORE_WORD}", re.IGNORECASE)
            if self.codes
            else None
        )

    @staticmethod
    def _squash(text: str) -> str:
        return re.sub(r"[\s.\-]+", "", text.lower())

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> RegionExtractor:
        aliases = raw.get("aliases") or {}
        return cls(
            {str(code): [_word(n) for n in names or ()] for code, names in aliases.items()},
            _words(raw, "prefixes"),
        )

    def extract(self, text: str) -> list[Entity]:
        if self._pattern is None or self._bare is None:
            return []
        candidates: list[Entity] = []
        # With and without the prefix, so "kota agung" (a name) beats "kota" + nothing,
        # and the longest alias at every position is considered.
        for pattern in (self._pattern, self._bare):
            for start in range(len(text)):
                match = pattern.match(text, start)
                if match is None:
                    continue
                code = self._by_squashed.get(self._squash(match.group("name")))
                if code is not None:
                    candidates.append(_entity(REGION, code, match.start(), match.end()))
        return _longest_first(candidates)


# --- NIK and phone ----------------------------------------------------------------------

NIK = "nik"
PHONE = "phone"
_DIGIT_SEP = r"[ .\-]"


@dataclass(frozen=True)
class NikExtractor:
    """`nik`: exactly 16 digits, optionally grouped ("1871 0123 4567 0001")."""

    digits: int = 16
    keep_head: int = 6

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> NikExtractor:
        return cls(int(raw.get("digits", cls.digits)), int(raw.get("keep_head", cls.keep_head)))

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
                found.append(_entity(NIK, digits, match.start(), match.end()))
        return _longest_first(found)

    def mask(self, value: str) -> str:
        return value[: self.keep_head] + "*" * (len(value) - self.keep_head)


@dataclass(frozen=True)
class PhoneExtractor:
    """`phone`: 08.., +62 8.., 62 8.. with spaces/dashes/dots -> E.164 "+628..."."""

    min_digits: int = 10
    max_digits: int = 13
    keep_head: int = 4
    keep_tail: int = 2

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> PhoneExtractor:
        return cls(
            **{
                k: int(raw[k])
                for k in ("min_digits", "max_digits", "keep_head", "keep_tail")
                if k in raw
            }
        )

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
            found.append(_entity(PHONE, "+62" + national[1:], match.start(), end))
        return found

    def mask(self, value: str) -> str:
        national = "0" + value[3:] if value.startswith("+62") else value
        hidden = len(national) - self.keep_head - self.keep_tail
        return national[: self.keep_head] + "*" * hidden + national[-self.keep_tail :]


# --- time -------------------------------------------------------------------------------

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
            re.compile(rf"{_NOT_AFTER_WORD}(?:{_phrases(self.phrases)}){_NOT_BEFORE_WORD}", flags)
            if self.phrases
            else None
        )
        self._count = None
        if units:
            unit = _phrases(units)
            number = "|".join(
                [r"\d{1,3}", *(re.escape(w) for w in sorted(numbers, key=len, reverse=True))]
            )
            since_re = _phrases(since) if since else r"(?!)"
            ago_re = _phrases(ago) if ago else r"(?!)"
            filler = rf"(?:(?:{_phrases(fillers)})\s+)?" if fillers else ""
            self._count = re.compile(
                rf"{_NOT_AFTER_WORD}(?<![\d.,])"
                rf"(?:(?P<since>{since_re})\s+{filler})?"
                rf"(?:(?P<n>{number})\s*(?P<unit>{unit})|{re.escape(one_prefix)}(?P<unit1>{unit}))"
                rf"(?:\s+(?P<ago>{ago_re}))?{_NOT_BEFORE_WORD}",
                flags,
            )

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> TimeExtractor:
        return cls(
            phrases={_word(k): str(v) for k, v in (raw.get("phrases") or {}).items()},
            units={_word(k): str(v) for k, v in (raw.get("units") or {}).items()},
            numbers={_word(k): int(v) for k, v in (raw.get("numbers") or {}).items()},
            since=_words(raw, "since"),
            ago=_words(raw, "ago"),
            fillers=_words(raw, "fillers"),
            one_prefix=_word(raw.get("one_prefix", "se")),
        )

    def extract(self, text: str) -> list[Entity]:
        candidates: list[Entity] = []
        if self._fixed is not None:
            for fixed in self._fixed.finditer(text):
                key = " ".join(fixed.group().lower().split())
                candidates.append(_entity(TIME, self.phrases[key], fixed.start(), fixed.end()))
        if self._count is not None:
            for start in range(len(text)):
                match = self._count.match(text, start)
                if match is None or not (match.group("since") or match.group("ago")):
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
                candidates.append(_entity(TIME, value, match.start(), match.end()))
        return _longest_first(candidates)


# --- street -----------------------------------------------------------------------------

STREET = "street"
DANGER = "darurat"
_NAME_WORD = re.compile(r"[ \t]*(?P<word>[^\W\d_][\w'’]*(?:-[^\W_][\w'’]*)*)(?P<dot>\.)?")


@dataclass(frozen=True)
class StreetLexicon:
    triggers: tuple[str, ...] = ("jalan", "jln", "jl")
    stop_words: frozenset[str] = frozenset()
    non_name_first: frozenset[str] = frozenset()
    not_alone: frozenset[str] = frozenset()
    abbreviations: frozenset[str] = frozenset()
    max_words: int = 6

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> StreetLexicon:
        return cls(
            triggers=_words(raw, "triggers") or cls.triggers,
            stop_words=frozenset(_words(raw, "stop_words")),
            non_name_first=frozenset(_words(raw, "non_name_first")),
            not_alone=frozenset(_words(raw, "not_alone")),
            abbreviations=frozenset(_words(raw, "abbreviations")),
            max_words=int(raw.get("max_words", cls.max_words)),
        )


class StreetExtractor:
    """`street`: the name after "jl."/"jln"/"jalan", capitalised ("Teuku Umar")."""

    def __init__(self, lexicon: StreetLexicon) -> None:
        self.lexicon = lexicon
        triggers = _alternation(lexicon.triggers)
        # The trigger must be a whole word followed by "." or a space ("jalannya" is not).
        self._trigger = re.compile(rf"{_NOT_AFTER_WORD}(?:{triggers})(?:\.[ \t]*|[ \t]+)", re.I)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> StreetExtractor:
        return cls(StreetLexicon.from_dict(raw))

    @staticmethod
    def _capitalise(word: str) -> str:
        if word.isupper() and len(word) <= 4:
            return word  # "ZA", "KH"
        return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))

    def extract(
        self, text: str, region_starts: Iterable[int] = (), time_starts: Iterable[int] = ()
    ) -> list[Entity]:
        lex = self.lexicon
        regions, times = set(region_starts), set(time_starts)
        found: list[Entity] = []
        for trigger in self._trigger.finditer(text):
            pos = trigger.end()
            words: list[tuple[str, int, int]] = []  # (display, start, end)
            while len(words) < lex.max_words:
                match = _NAME_WORD.match(text, pos)
                if match is None:
                    break
                word = match.group("word")
                lower = word.lower()
                w_start = match.start("word")
                if lower in lex.stop_words or w_start in times:
                    break
                if not words and lower in lex.non_name_first:
                    break
                plain = all(w[0].lower().rstrip(".") in lex.not_alone for w in words)
                if words and w_start in regions and not plain:
                    break  # "jl. sultan agung bandar lampung": the region is not the name
                dot = match.group("dot")
                abbreviation = dot is not None and (len(word) <= 2 or lower in lex.abbreviations)
                display = self._capitalise(word) + ("." if abbreviation else "")
                words.append((display, w_start, match.end() if abbreviation else match.end("word")))
                pos = match.end()
                if dot is not None and not abbreviation:
                    break  # sentence-ending period
            # Don't end on an abbreviation ("jl. h.") or on not-alone words only.
            while words and words[-1][0].endswith("."):
                words.pop()
            if not words or all(w[0].lower() in lex.not_alone for w in words):
                continue
            value = " ".join(w[0] for w in words)
            found.append(_entity(STREET, value, words[0][1], words[-1][2]))
        return found


# --- combined ---------------------------------------------------------------------------


class KeywordExtractor:
    """Whole-word phrases mapped to a canonical value, e.g. emergency words -> kind.

    Keyword entities are signals, not spans to claim: they may overlap anything.
    """

    def __init__(self, entity: str, groups: dict[str, Sequence[str]]) -> None:
        self.entity = entity
        self._value = {p.casefold(): value for value, phrases in groups.items() for p in phrases}
        pattern = _phrases(self._value)
        self._pattern = re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE)

    def extract(self, text: str) -> list[Entity]:
        found = []
        for match in self._pattern.finditer(text):
            key = " ".join(match.group().casefold().replace(".", " ").split())
            value = self._value.get(key) or self._value.get(match.group().casefold())
            if value is not None:
                found.append(_entity(self.entity, value, match.start(), match.end()))
        return found


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
        danger: KeywordExtractor | None = None,
    ) -> None:
        self.danger = danger
        self.tickets = tickets
        self.regions = regions
        self.nik = nik
        self.phone = phone
        self.street = street
        self.time = time

    @classmethod
    def from_file(cls, path: Path = DEFAULT_ENTITY_LEXICON_PATH) -> EntityExtractor:
        raw = _load(path)

        def section(name: str) -> dict[str, Any] | None:
            value = raw.get(name)
            return value if isinstance(value, dict) else None

        region, nik, phone = section(REGION), section(NIK), section(PHONE)
        street, time, danger = section(STREET), section(TIME), section(DANGER)
        return cls(
            TicketNumberExtractor(TicketLexicon.from_dict(section(TICKET_NUMBER) or {})),
            regions=RegionExtractor.from_dict(region) if region is not None else None,
            nik=NikExtractor.from_dict(nik) if nik is not None else None,
            phone=PhoneExtractor.from_dict(phone) if phone is not None else None,
            street=StreetExtractor.from_dict(street) if street is not None else None,
            time=TimeExtractor.from_dict(time) if time is not None else None,
            danger=KeywordExtractor(DANGER, danger["kinds"]) if danger is not None else None,
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
        if self.danger:
            kept += self.danger.extract(text)
        return sorted(kept, key=lambda e: (e["start"], e["end"]))

    def mask_pii(self, text: str) -> str:
        """Replace every NIK and phone number (see `mask_pii`)."""
        spans: list[tuple[int, int, str]] = []
        for ent in self.extract(text):
            if ent["entity"] == NIK and self.nik:
                spans.append((ent["start"], ent["end"], self.nik.mask(ent["value"])))
            elif ent["entity"] == PHONE and self.phone:
                spans.append((ent["start"], ent["end"], self.phone.mask(ent["value"])))
        for start, end, masked in sorted(spans, reverse=True):
            text = text[:start] + masked + text[end:]
        return text


@lru_cache(maxsize=1)
def _default_extractor() -> EntityExtractor:
    return EntityExtractor.from_file()


def extract_entities(text: str) -> list[Entity]:
    """Convenience with the default lexicon (the parser uses its model's copy)."""
    return _default_extractor().extract(text)


def mask_pii(text: str) -> str:
    """Mask PII before logging: a NIK keeps its first 6 digits ("187101**********"),
    a phone number its first 4 and last 2 digits in national form ("0812******89")."""
    return _default_extractor().mask_pii(text)
