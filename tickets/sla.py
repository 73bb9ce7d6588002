"""Service-level deadlines from tickets/sla.yml (Lampung-In: 24 h to forward, 72 h to act)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import yaml

SLA_FILE = Path(__file__).with_name("sla.yml")


@dataclass(frozen=True)
class ServiceLevels:
    forward_within: timedelta
    act_within: timedelta
    leaders_after: timedelta
    sweep_every: timedelta


@cache
def service_levels() -> ServiceLevels:
    data = yaml.safe_load(SLA_FILE.read_text(encoding="utf-8"))
    return ServiceLevels(
        forward_within=timedelta(hours=float(data["forward_within_hours"])),
        act_within=timedelta(hours=float(data["act_within_hours"])),
        leaders_after=timedelta(hours=float(data["escalate_to_leaders_after_hours"])),
        sweep_every=timedelta(minutes=float(data["sweep_every_minutes"])),
    )


def forward_due(created_at: datetime) -> datetime:
    return created_at + service_levels().forward_within


def act_due(forwarded_at: datetime) -> datetime:
    return forwarded_at + service_levels().act_within
