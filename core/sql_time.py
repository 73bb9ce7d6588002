"""Time arithmetic as SQL expressions, on SQLite and PostgreSQL alike, so the
database aggregates durations and days (medians, counts per day) instead of every
row being read into Python: hours between two timestamps, and a timestamp's WIB
date."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class hours_between(FunctionElement[float]):
    """hours_between(later, earlier): (later - earlier) in hours, as a float."""

    type = Float()
    inherit_cache = True


@compiles(hours_between)
def _postgresql(element: hours_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    # EXTRACT gives numeric, whose sorts (medians) are slower than a float's.
    return f"(CAST(EXTRACT(EPOCH FROM ({later} - {earlier})) AS DOUBLE PRECISION) / 3600.0)"


@compiles(hours_between, "sqlite")
def _sqlite(element: hours_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({later}) - julianday({earlier})) * 24.0)"


class wib_date(FunctionElement[str]):
    """wib_date(ts): the calendar day in Lampung (WIB, UTC+7 all year) as
    'YYYY-MM-DD' text (a date on PostgreSQL: str() of either is the same)."""

    inherit_cache = True


@compiles(wib_date)
def _postgresql_date(element: wib_date, compiler: Any, **kw: Any) -> str:
    (ts,) = (compiler.process(c, **kw) for c in element.clauses)
    # UTC plus a fixed 7 hours (WIB keeps no summer time): cheaper per row than a
    # named zone's rules.
    return f"CAST(({ts} AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS DATE)"


@compiles(wib_date, "sqlite")
def _sqlite_date(element: wib_date, compiler: Any, **kw: Any) -> str:
    (ts,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"date({ts}, '+7 hours')"
