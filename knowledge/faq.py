"""Service answers as data: one cited YAML file per topic in knowledge/faq/.

The files are checked when loaded (``FaqError`` names the file and the problem),
so a topic without an answer, an official source or a last-checked date never
reaches a citizen. docs/knowledge.md describes the schema and the editing rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

FAQ_DIR = Path(__file__).with_name("faq")

# Hosts under these suffixes are government sites; every topic needs one of them.
OFFICIAL_HOST_SUFFIXES = (".go.id",)


class FaqError(ValueError):
    pass


@dataclass(frozen=True)
class Source:
    url: str
    title: str
    publisher: str
    supports: tuple[str, ...]

    @property
    def official(self) -> bool:
        host = (urlsplit(self.url).hostname or "").lower()
        return any(host.endswith(suffix) for suffix in OFFICIAL_HOST_SUFFIXES)


@dataclass(frozen=True)
class Fee:
    item: str
    amount: str
    basis: str


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    last_checked: date
    summary: str
    requirements: tuple[str, ...]
    steps: tuple[str, ...]
    cost: tuple[Fee, ...]
    duration: str | None
    where: tuple[str, ...]
    online: str | None
    providers: tuple[str, ...]
    unconfirmed: str | None
    official_channel: str
    sources: tuple[Source, ...]
    keywords: tuple[str, ...]
    # Intents offered as buttons next to "Detail" (e.g. cari_mpp for the MPP topic).
    related: tuple[str, ...] = ()

    @property
    def official_sources(self) -> tuple[Source, ...]:
        return tuple(s for s in self.sources if s.official)


def _text(data: dict[str, Any], key: str, path: Path, *, required: bool) -> str | None:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise FaqError(f"{path.name}: '{key}' is missing or empty")
        return None
    if not isinstance(value, str):
        raise FaqError(f"{path.name}: '{key}' must be text, got {type(value).__name__}")
    return value.strip()


def _texts(data: dict[str, Any], key: str, path: Path) -> tuple[str, ...]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise FaqError(f"{path.name}: '{key}' must be a list of texts")
    return tuple(v.strip() for v in value)


def parse_source(raw: Any, where: str) -> Source:
    """One `sources:` entry of a knowledge file (FAQ topic or MPP); `where` names it."""
    if not isinstance(raw, dict) or not str(raw.get("url") or "").startswith(
        ("https://", "http://")
    ):
        raise FaqError(f"{where}: every source needs an http(s) 'url': {raw!r}")
    return Source(
        url=str(raw["url"]).strip(),
        title=str(raw.get("title") or "").strip(),
        publisher=str(raw.get("publisher") or "").strip(),
        supports=tuple(str(s) for s in raw.get("supports") or ()),
    )


def _fee(raw: Any, path: Path) -> Fee:
    if not isinstance(raw, dict) or not raw.get("item") or not raw.get("amount"):
        raise FaqError(f"{path.name}: every cost line needs 'item' and 'amount': {raw!r}")
    if not raw.get("basis"):
        raise FaqError(f"{path.name}: cost '{raw['item']}' has no 'basis' (regulation or source)")
    return Fee(item=str(raw["item"]), amount=str(raw["amount"]), basis=str(raw["basis"]))


def load_topic(path: Path) -> Topic:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise FaqError(f"{path.name}: not a YAML mapping")
    topic_id = _text(data, "id", path, required=True)
    if topic_id != path.stem:
        raise FaqError(f"{path.name}: id {topic_id!r} differs from the file name")
    checked = data.get("last_checked")
    if not isinstance(checked, date):
        raise FaqError(f"{path.name}: 'last_checked' must be a date (YYYY-MM-DD)")
    sources = tuple(parse_source(raw, path.name) for raw in data.get("sources") or ())
    if not sources:
        raise FaqError(f"{path.name}: no sources")
    if not any(s.official for s in sources):
        raise FaqError(f"{path.name}: needs at least one source on an official (.go.id) site")
    return Topic(
        id=topic_id,
        title=_text(data, "title", path, required=True) or "",
        last_checked=checked,
        summary=_text(data, "summary", path, required=True) or "",
        requirements=_texts(data, "requirements", path),
        steps=_texts(data, "steps", path),
        cost=tuple(_fee(raw, path) for raw in data.get("cost") or ()),
        duration=_text(data, "duration", path, required=False),
        where=_texts(data, "where", path),
        online=_text(data, "online", path, required=False),
        providers=_texts(data, "providers", path),
        unconfirmed=_text(data, "unconfirmed", path, required=False),
        official_channel=_text(data, "official_channel", path, required=True) or "",
        sources=sources,
        keywords=_texts(data, "keywords", path),
        related=_texts(data, "related", path),
    )


@cache
def all_topics(directory: Path = FAQ_DIR) -> dict[str, Topic]:
    """Every topic by id, in file-name order."""
    return {t.id: t for t in (load_topic(p) for p in sorted(directory.glob("*.yml")))}


def get_topic(topic_id: str) -> Topic | None:
    return all_topics().get(topic_id)
