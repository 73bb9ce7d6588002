"""The ticket workflow's Indonesian wording (tickets/texts.yml)."""

from __future__ import annotations

from core.texts import TextFile

TEXTS = TextFile.beside(__file__)
