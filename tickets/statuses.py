"""Ticket statuses as data (tickets/statuses.yml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

STATUSES_FILE = Path(__file__).with_name("statuses.yml")


@dataclass(frozen=True)
class Status:
    id: str
    label: str
    open: bool


@lru_cache
def all_statuses() -> dict[str, Status]:
    data = yaml.safe_load(STATUSES_FILE.read_text(encoding="utf-8"))
    return {item["id"]: Status(**item) for item in data["statuses"]}


def get_status(status_id: str) -> Status:
    try:
        return all_statuses()[status_id]
    except KeyError:
        raise KeyError(f"unknown ticket status: {status_id!r}") from None


def status_label(status_id: str) -> str:
    return get_status(status_id).label


def is_open(status_id: str) -> bool:
    return get_status(status_id).open
