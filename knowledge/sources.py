"""A cited source of the knowledge base (service topics and MPP places alike)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

# Hosts under these suffixes are government sites.
OFFICIAL_HOST_SUFFIXES = (".go.id",)


class SourceError(ValueError):
    pass


@dataclass(frozen=True)
class Source:
    url: str
    title: str
    publisher: str
    supports: tuple[str, ...] = ()
    # When the source was last compared with what cites it (MPP places; a service
    # topic dates each fact instead).
    checked: date | None = None
    key: str = ""

    @property
    def official(self) -> bool:
        host = (urlsplit(self.url).hostname or "").lower()
        return any(host.endswith(suffix) for suffix in OFFICIAL_HOST_SUFFIXES)

    @property
    def has_content(self) -> bool:
        """A page, not a site's home page (which backs no fact but "the site is X")."""
        parts = urlsplit(self.url)
        return bool(parts.path.strip("/") or parts.query)

    @property
    def name(self) -> str:
        return self.title or self.publisher or self.url


def parse_source(raw: Any, where: str, key: str = "") -> Source:
    """One source entry; `where` names its file or place in errors."""
    if not isinstance(raw, dict) or not str(raw.get("url") or "").startswith(
        ("https://", "http://")
    ):
        raise SourceError(f"{where}: every source needs an http(s) 'url': {raw!r}")
    checked = raw.get("checked")
    if checked is not None and not isinstance(checked, date):
        raise SourceError(f"{where}: source {raw['url']}: 'checked' must be a date (YYYY-MM-DD)")
    return Source(
        url=str(raw["url"]).strip(),
        title=str(raw.get("title") or "").strip(),
        publisher=str(raw.get("publisher") or "").strip(),
        supports=tuple(str(s) for s in raw.get("supports") or ()),
        checked=checked,
        key=key,
    )
