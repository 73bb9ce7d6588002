"""Shared by the entity tests."""

from __future__ import annotations

from nlu.entities import extract_entities


def only(text: str, name: str) -> list[tuple[str, str]]:
    """(value, surface) of every `name` entity; checks offsets point into `text`."""
    out = []
    for ent in extract_entities(text):
        assert 0 <= ent["start"] < ent["end"] <= len(text)
        assert ent["extractor"] == "LaporinEntityExtractor"
        if ent["entity"] == name:
            out.append((ent["value"], text[ent["start"] : ent["end"]]))
    return out
