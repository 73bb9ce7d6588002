"""Working-day deadlines (tickets/deadlines.py) for agencies that count working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from knowledge.agencies import Agency
from tickets import deadlines
from tickets.deadlines import add_working_days, is_working_day


def test_weekends_and_national_holidays_are_days_off() -> None:
    assert is_working_day(date(2026, 11, 23))  # Monday
    assert not is_working_day(date(2026, 11, 28))  # Saturday
    assert not is_working_day(date(2026, 8, 17))  # Hari Kemerdekaan (a Monday)
    assert not is_working_day(date(2026, 12, 25))  # Natal


def test_three_working_days_skip_weekend_and_holiday() -> None:
    # Thursday 13 Aug 2026, 10.00 WIB: Fri 14, (Sat, Sun, Mon 17 Aug off), Tue 18, Wed 19.
    start = datetime(2026, 8, 13, 3, 0, tzinfo=UTC)
    due = add_working_days(start, 3)
    assert due == datetime(2026, 8, 19, 3, 0, tzinfo=UTC)


def test_a_start_on_a_day_off_counts_from_the_next_morning() -> None:
    start = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # Saturday 19.00 WIB
    # Monday 30 Nov 08.00 WIB is the start; three working days later: Thursday 3 Dec.
    assert add_working_days(start, 3) == datetime(2026, 12, 3, 1, 0, tzinfo=UTC)


def test_act_due_follows_the_agency_calendar(monkeypatch: pytest.MonkeyPatch) -> None:
    forwarded = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # Friday
    assert deadlines.act_due(forwarded, agency="dlh") == forwarded + timedelta(hours=72)
    counting = Agency(code="dinas_x", name="Dinas X", level="provinsi",
                      calendar="working_days")  # fmt: skip
    monkeypatch.setattr(deadlines, "get_agency", lambda code: counting)
    # Mon 30 Nov, Tue 1 Dec, Wed 2 Dec.
    assert deadlines.act_due(forwarded, agency="dinas_x") == datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
