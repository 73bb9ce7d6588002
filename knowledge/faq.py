"""Service answers as data: one cited YAML file per topic in knowledge/faq/.

A topic is organised by facet (knowledge/facets.yml: syarat, biaya, lama, ...);
each facet is a list of facts, and every fact names its source and the date it
was last compared with it, or says what could not be confirmed. The files are
checked when loaded (``FaqError`` names the file and the problem), so a fact
without a source or a date, or an answer too long for a chat, never reaches a
citizen. docs/knowledge.md describes the format and the editing rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.facets import facet_book
from knowledge.sources import Source, SourceError, parse_source

FAQ_DIR = Path(__file__).with_name("faq")

# Characters, so the chat answers stay short (at most 600 rendered for the overview
# and 1,000 for a facet, with the title and the source around them: a test checks).
MAX_OVERVIEW = 400
MAX_FACT = 300
MAX_FACET = 750
_KEY_RE = re.compile(r"[a-z0-9_]+")


class FaqError(ValueError):
    pass


@dataclass(frozen=True)
class Entry:
    """A fact with its sources and check date, or (confirmed False) what could not
    be confirmed, with the date that was last looked into."""

    text: str
    checked: date
    source_keys: tuple[str, ...] = ()
    confirmed: bool = True


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    terms: tuple[str, ...]
    keywords: tuple[str, ...]
    official_channel: str
    overview: Entry
    sources: dict[str, Source]
    facets: dict[str, tuple[Entry, ...]]
    # Intents offered as buttons with the overview (e.g. cari_mpp for the MPP topic).
    related: tuple[str, ...] = ()

    def entries(self) -> Iterator[tuple[str | None, Entry]]:
        """(facet, entry) for every dated entry; facet None for the overview."""
        yield None, self.overview
        for facet, entries in self.facets.items():
            for entry in entries:
                yield facet, entry

    @property
    def last_checked(self) -> date:
        """The oldest check date: when the whole topic was last compared."""
        return min(entry.checked for _, entry in self.entries())

    @property
    def cited(self) -> tuple[Source, ...]:
        """The sources the facts cite, each once, in file order."""
        keys = {k for _, entry in self.entries() for k in entry.source_keys}
        return tuple(s for key, s in self.sources.items() if key in keys)

    def facet_sources(self, facet: str | None) -> tuple[Source, ...]:
        """The sources of a facet (None: the overview), official pages first."""
        entries = (self.overview,) if facet is None else self.facets.get(facet, ())
        keys = dict.fromkeys(k for e in entries for k in e.source_keys)
        found = [self.sources[k] for k in keys]
        return tuple(sorted(found, key=lambda s: not (s.official and s.has_content)))

    def confirmed(self, facet: str) -> tuple[Entry, ...]:
        return tuple(e for e in self.facets.get(facet, ()) if e.confirmed)

    def unconfirmed(self, facet: str) -> tuple[Entry, ...]:
        return tuple(e for e in self.facets.get(facet, ()) if not e.confirmed)


def _text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise FaqError(f"{where}: '{key}' is missing or not text")
    return " ".join(value.split())


def _texts(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise FaqError(f"{where}: '{key}' must be a list of texts")
    return tuple(v.strip() for v in value)


def _entry(raw: Any, where: str, sources: dict[str, Source], limit: int) -> Entry:
    if not isinstance(raw, dict):
        raise FaqError(f"{where}: an entry must be a mapping with 'fact' or 'unconfirmed'")
    checked = raw.get("checked")
    if not isinstance(checked, date):
        raise FaqError(
            f"{where}: every fact needs 'checked', the date it was compared (YYYY-MM-DD)"
        )
    if "unconfirmed" in raw:
        return Entry(_text(raw, "unconfirmed", where), checked, confirmed=False)
    text = _text(raw, "fact", where) if "fact" in raw else _text(raw, "text", where)
    if len(text) > limit:
        raise FaqError(f"{where}: {len(text)} characters, at most {limit}")
    keys = raw.get("source")
    keys = [keys] if isinstance(keys, str) else keys
    if not isinstance(keys, list) or not keys:
        raise FaqError(f"{where}: every fact needs a 'source' (a key of 'sources')")
    for key in keys:
        if key not in sources:
            raise FaqError(f"{where}: source {key!r} is not listed under 'sources'")
    return Entry(text, checked, tuple(str(k) for k in keys))


def _sources(raw: Any, where: str) -> dict[str, Source]:
    if not isinstance(raw, dict) or not raw:
        raise FaqError(f"{where}: 'sources' must map a short key to {{url, title, publisher}}")
    sources = {}
    for key, value in raw.items():
        if not _KEY_RE.fullmatch(str(key)):
            raise FaqError(f"{where}: source key {key!r}: use a-z, 0-9 and _")
        try:
            sources[str(key)] = parse_source(value, f"{where}: source {key}", key=str(key))
        except SourceError as error:
            raise FaqError(str(error)) from error
    return sources


def _facets(raw: Any, where: str, sources: dict[str, Source]) -> dict[str, tuple[Entry, ...]]:
    if not isinstance(raw, dict) or not raw:
        raise FaqError(f"{where}: 'facets' must map facets to lists of facts")
    known = facet_book().ids
    facets = {}
    for facet, entries in raw.items():
        if facet not in known:
            raise FaqError(f"{where}: unknown facet {facet!r} (knowledge/facets.yml: {known})")
        if not isinstance(entries, list) or not entries:
            raise FaqError(f"{where}: facet {facet!r} needs a list of facts")
        parsed = tuple(
            _entry(e, f"{where}: {facet}[{i}]", sources, MAX_FACT) for i, e in enumerate(entries)
        )
        if sum(len(e.text) for e in parsed) > MAX_FACET:
            raise FaqError(f"{where}: facet {facet!r} is longer than {MAX_FACET} characters")
        facets[facet] = parsed
    return facets


def load_topic(path: Path) -> Topic:
    where = path.name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise FaqError(f"{where}: not a YAML mapping")
    topic_id = _text(data, "id", where)
    if topic_id != path.stem:
        raise FaqError(f"{where}: id {topic_id!r} differs from the file name")
    sources = _sources(data.get("sources"), where)
    overview = _entry(data.get("overview"), f"{where}: overview", sources, MAX_OVERVIEW)
    if not overview.confirmed:
        raise FaqError(f"{where}: the overview must be a cited fact")
    topic = Topic(
        id=topic_id,
        title=_text(data, "title", where),
        terms=tuple(t.casefold() for t in _texts(data, "terms", where)),
        keywords=_texts(data, "keywords", where),
        official_channel=_text(data, "official_channel", where),
        overview=overview,
        sources=sources,
        facets=_facets(data.get("facets"), where, sources),
        related=_texts(data, "related", where),
    )
    if not topic.terms:
        raise FaqError(f"{where}: 'terms' (the words that name the topic) is empty")
    return topic


@cache
def all_topics(directory: Path | None = None) -> dict[str, Topic]:
    """Every topic by id, in file-name order."""
    paths = sorted((directory or FAQ_DIR).glob("*.yml"))
    return {t.id: t for t in (load_topic(p) for p in paths)}


def get_topic(topic_id: str) -> Topic | None:
    return all_topics().get(topic_id)
