"""The Open311 API's wording (open311/texts.yml)."""

from __future__ import annotations

from core.texts import TextFile

TEXTS = TextFile.beside(__file__)
