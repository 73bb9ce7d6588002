"""Service-level deadlines from tickets/sla.yml (Lampung-In: 24 h to forward, 72 h to act)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import yaml

from knowledge.agencies import get_agency

SLA_FILE = Path(__file__).with_name("sla.yml")
WORKING_DAYS = "working_days"


@dataclass(frozen=True)
class ServiceLevels:
    forward_within: timedelta
    act_within: timedelta
    leaders_after: timedelta
    sweep_every: timedelta
    act_within_working_days: int


@cache
def service_levels() -> ServiceLevels:
    data = yaml.safe_load(SLA_FILE.read_text(encoding="utf-8"))
    return ServiceLevels(
        forward_within=timedelta(hours=float(data["forward_within_hours"])),
        act_within=timedelta(hours=float(data["act_within_hours"])),
        leaders_after=timedelta(hours=float(data["escalate_to_leaders_after_hours"])),
        sweep_every=timedelta(minutes=float(data["sweep_every_minutes"])),
        act_within_working_days=int(data["act_within_working_days"]),
    )


@cache
def extra_days_off() -> frozenset[date]:
    data = yaml.safe_load(SLA_FILE.read_text(encoding="utf-8"))
    return frozenset(date.fromisoformat(str(d)) for d in data.get("extra_days_off") or ())


def forward_due(created_at: datetime) -> datetime:
    return created_at + service_levels().forward_within


def act_due(forwarded_at: datetime, *, agency: str | None = None) -> datetime:
    """72 hours, or `act_within_working_days` for agencies whose `calendar` in
    knowledge/agencies.yml is working_days."""
    from tickets.calendar import add_working_days  # it imports this module

    found = get_agency(agency) if agency else None
    if found is not None and found.calendar == WORKING_DAYS:
        return add_working_days(forwarded_at, service_levels().act_within_working_days)
    return forwarded_at + service_levels().act_within
