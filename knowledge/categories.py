"""Complaint categories as data (knowledge/categories.yml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

CATEGORIES_FILE = Path(__file__).with_name("categories.yml")


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    confidential: bool = False
    duplicate_radius_m: int = 0
    # At most 24 characters, for lists that allow no more (a chat list row);
    # unset when the label itself is that short.
    short_label: str | None = None

    @property
    def short(self) -> str:
        return self.short_label or self.label


@lru_cache
def all_categories() -> tuple[Category, ...]:
    data = yaml.safe_load(CATEGORIES_FILE.read_text(encoding="utf-8"))
    return tuple(Category(**item) for item in data["categories"])


def get_category(category_id: str) -> Category | None:
    return next((c for c in all_categories() if c.id == category_id), None)
