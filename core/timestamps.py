"""Timestamps stored the same way on every backend: aware UTC datetimes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """DateTime(timezone=True) that always hands back aware UTC datetimes.

    SQLite has no time zone type and returns naive values; normalising here means
    callers can compare and serialise timestamps the same way on every backend.
    Naive input is taken to be UTC.
    """

    impl = DateTime
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Lampung is on Western Indonesia Time (UTC+7, no daylight saving).
WIB = timezone(timedelta(hours=7))


def format_wib(value: datetime) -> str:
    """A time as citizens and staff read it: "26-11-2026 12.00 WIB" (naive means UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(WIB).strftime("%d-%m-%Y %H.%M WIB")


def wib_days(first: date, last: date) -> tuple[datetime, datetime]:
    """[start, end) of the WIB calendar days first..last, both included."""
    start = datetime.combine(first, time.min, tzinfo=WIB)
    return start, datetime.combine(last + timedelta(days=1), time.min, tzinfo=WIB)
