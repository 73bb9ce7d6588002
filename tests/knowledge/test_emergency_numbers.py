"""Every phone number the emergency reply shows has an official source on record
(knowledge/emergency_numbers.yml): facts only from official pages with their URL."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlparse

import yaml

from core.settings import ROOT_DIR
from dialogue.domain import get_domain

NUMBERS_FILE = ROOT_DIR / "knowledge" / "emergency_numbers.yml"


def _shown_numbers() -> set[str]:
    texts = [v["text"] for v in get_domain().responses["utter_darurat"]]
    return {n for text in texts for n in re.findall(r"(?<!\d)\d{3}(?!\d)", text)}


def test_every_number_shown_has_an_official_government_source() -> None:
    data = yaml.safe_load(NUMBERS_FILE.read_text(encoding="utf-8"))
    assert isinstance(data["last_checked"], date)
    sources = {entry["number"]: entry["sources"] for entry in data["numbers"]}
    shown = _shown_numbers()
    assert "112" in shown
    assert shown <= set(sources), shown - set(sources)
    for number in shown:
        hosts = [urlparse(s["url"]).hostname or "" for s in sources[number]]
        assert any(h.endswith(".go.id") for h in hosts), (number, hosts)
