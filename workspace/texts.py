"""The workspace's wording used from Python (workspace/texts.yml)."""

from __future__ import annotations

from core.texts import TextFile

TEXTS = TextFile.beside(__file__)


def text(section: str, name: str, /, **variables: object) -> str:
    return TEXTS.text(section, name, **variables)


def optional(section: str, name: str, fallback: str = "") -> str:
    """A text that may be missing (an event kind added later): `fallback` then."""
    return TEXTS.section(section).get(name, fallback)
