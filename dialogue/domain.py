"""The bot's domain (domain.yml, Rasa 3 format): intents, slots, forms, responses."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from core.settings import ROOT_DIR

DOMAIN_FILE = ROOT_DIR / "domain.yml"
SUPPORTED_MAPPINGS = {"custom", "from_entity"}


@dataclass(frozen=True)
class Domain:
    data: dict[str, Any]

    @property
    def responses(self) -> dict[str, list[dict[str, Any]]]:
        return self.data.get("responses") or {}

    @property
    def slots(self) -> dict[str, dict[str, Any]]:
        return self.data.get("slots") or {}

    @property
    def forms(self) -> dict[str, dict[str, Any]]:
        return self.data.get("forms") or {}

    def required_slots(self, form: str) -> list[str]:
        return list(self.forms[form].get("required_slots") or [])

    def is_form(self, name: str) -> bool:
        return name in self.forms

    def as_rasa_dict(self) -> dict[str, Any]:
        """The domain as sent to an action server in an action call."""
        return self.data


def load_domain(path: Path = DOMAIN_FILE) -> Domain:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.setdefault("slots", {})
    # Rasa adds `requested_slot` to every domain with forms.
    if data.get("forms"):
        data["slots"].setdefault(
            "requested_slot",
            {"type": "any", "influence_conversation": False, "mappings": [{"type": "custom"}]},
        )
    for name, slot in data["slots"].items():
        for mapping in slot.get("mappings") or []:
            if mapping.get("type") not in SUPPORTED_MAPPINGS:
                raise ValueError(f"slot {name}: unsupported mapping {mapping.get('type')!r}")
    for form, spec in (data.get("forms") or {}).items():
        for slot in spec.get("required_slots") or []:
            if slot not in data["slots"]:
                raise ValueError(f"form {form} requires undeclared slot {slot!r}")
    return Domain(data)


@lru_cache
def get_domain() -> Domain:
    return load_domain()
