"""Working days in Indonesia, for agencies that count their deadline in working days.

Weekends and the national public holidays of the `holidays` package (country
"ID"), plus any extra days off listed in tickets/sla.yml (e.g. cuti bersama,
which the government announces each year). Days are counted in WIB.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache

import holidays

from core.timestamps import WIB
from tickets.sla import extra_days_off


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
