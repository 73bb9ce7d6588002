"""Service-level deadlines from tickets/sla.yml (Lampung-In: 24 h to forward, 72 h to act).

Agencies that count in working days skip weekends, the national public holidays
of the `holidays` package (country "ID") and the extra days off listed in sla.yml
(e.g. cuti bersama, which the government announces each year). Days are counted
in WIB.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import holidays
import yaml

from core.timestamps import WIB
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
    found = get_agency(agency) if agency else None
    if found is not None and found.calendar == WORKING_DAYS:
        return add_working_days(forwarded_at, service_levels().act_within_working_days)
    return forwarded_at + service_levels().act_within


@cache
def _national(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("ID", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _national(day.year) and day not in extra_days_off()


def add_working_days(start: datetime, days: int) -> datetime:
    """The same WIB clock time `days` working days later (a start on a day off
    counts from the next working day's start of business, 08.00 WIB)."""
    local = start.astimezone(WIB)
    if not is_working_day(local.date()):
        local = local.replace(hour=8, minute=0, second=0, microsecond=0)
        while not is_working_day(local.date()):
            local += timedelta(days=1)
    remaining = days
    while remaining > 0:
        local += timedelta(days=1)
        if is_working_day(local.date()):
            remaining -= 1
    return local.astimezone(start.tzinfo)
