"""The bot's domain (domain/, Rasa 3 format): intents, slots, forms, responses.

Like Rasa, the domain is a directory of domain files merged into one; the files
split the wording by audience (dialogue.yml, notifications.yml, staff.yml). A
name defined in two files is an error here, where Rasa would let one file win
silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from core.settings import ROOT_DIR

DOMAIN_DIR = ROOT_DIR / "domain"
SUPPORTED_MAPPINGS = {"custom", "from_entity"}
# Sections holding named items; a name may appear in only one file.
_MAPPING_SECTIONS = ("slots", "forms", "responses")
_LIST_SECTIONS = ("intents", "entities", "actions")


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


def domain_files(path: Path) -> list[Path]:
    """The domain files of a directory (recursively, as Rasa reads it), or the one file."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix in {".yml", ".yaml"})
        if not files:
            raise ValueError(f"no domain files in {path}")
        return files
    return [path]


def _item_name(item: Any) -> str:
    """`- greet` or `- lapor: {is_retrieval_intent: true}`."""
    return str(next(iter(item))) if isinstance(item, dict) else str(item)


def merge_domains(parts: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Merge (source, data) domain parts; raises ValueError on a name defined twice."""
    merged: dict[str, Any] = {}
    origin: dict[tuple[str, str], str] = {}

    def claim(section: str, name: str, source: str) -> None:
        if (section, name) in origin:
            raise ValueError(
                f"{section} {name!r} is defined in both {origin[section, name]} and {source}"
            )
        origin[section, name] = source

    for source, data in parts:
        for key, value in data.items():
            if key in _MAPPING_SECTIONS:
                for name in value or {}:
                    claim(key, str(name), source)
                merged.setdefault(key, {}).update(value or {})
            elif key in _LIST_SECTIONS:
                for item in value or []:
                    claim(key, _item_name(item), source)
                merged.setdefault(key, []).extend(value or [])
            elif key == "version":
                if merged.setdefault(key, value) != value:
                    raise ValueError(f"{source}: version {value!r}, other files {merged[key]!r}")
            else:
                claim(key, "", source)
                merged[key] = value
    return merged


def load_domain(path: Path = DOMAIN_DIR) -> Domain:
    parts = []
    for file in domain_files(path):
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{file}: a domain file must be a YAML mapping")
        parts.append((str(file), data))
    data = merge_domains(parts)
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
