"""What `python -m bot ...` prints for people (bot/texts.yml)."""

from __future__ import annotations

from core.texts import TextFile

TEXTS = TextFile.beside(__file__)
