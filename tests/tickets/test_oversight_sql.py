"""The leaders' figures the database sums (tickets/oversight.py, tickets/trends.py,
tickets/report_map.py), on SQLite and PostgreSQL: medians as statistics.median has
them at every level, weeks cut at Monday 00:00 WIB, and the map's points."""

from __future__ import annotations

import random
import statistics
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from core.db import transaction
from tests import factories
from tickets.models import Ticket
from tickets.oversight import oversight
from tickets.report_map import points
from tickets.trends import weekly

FILED = datetime(2026, 11, 10, 3, 0, tzinfo=UTC)
REGIONS = ("metro", "pringsewu", "lampung_timur")
AGENCIES = ("dlh", "dinas_pupr")


def test_medians_match_statistics_median_at_every_level(db: str) -> None:
    rng = random.Random(5)
    forward: dict[str, list[float]] = {}
    resolve: dict[str, list[float]] = {}
    with transaction() as session:
        for i in range(37):
            region, agency = rng.choice(REGIONS), AGENCIES[i % 2]
            ticket = factories.ticket(session=session, region=region, now=FILED, alert=False)
            if i % 5 == 4:
                continue  # never forwarded: in no median
            to_forward = round(rng.uniform(0.5, 60), 2)
            ticket.forwarded_at = FILED + timedelta(hours=to_forward)
            ticket.agency_code = agency
            for key in ("total", region, agency):
                forward.setdefault(key, []).append(to_forward)
            if i % 3:
                to_resolve = round(rng.uniform(1, 100), 2)
                ticket.resolved_at = ticket.forwarded_at + timedelta(hours=to_resolve)
                for key in ("total", region, agency):
                    resolve.setdefault(key, []).append(to_resolve)
        session.flush()
        found = oversight(session=session, start=FILED - timedelta(1), end=FILED + timedelta(1),
                          now=FILED + timedelta(days=10))  # fmt: skip
    levels = {"total": found.total, **{f.key: f for f in [*found.regions, *found.agencies]}}
    # Shown to 0.1 h; a median ending in ...5 may round either way after the
    # database's float arithmetic.
    for key, figures in levels.items():
        assert figures.median_forward_hours == pytest.approx(
            statistics.median(forward[key]), abs=0.051
        ), key
        if resolve.get(key):
            assert figures.median_resolve_hours == pytest.approx(
                statistics.median(resolve[key]), abs=0.051
            ), key
        else:
            assert figures.median_resolve_hours is None, key
    assert len(levels) == 1 + len(REGIONS) + len(AGENCIES)


def test_weeks_begin_on_monday_in_lampung_time(db: str) -> None:
    # Sunday 15 November 23:30 WIB is 16:30 UTC; Monday 00:30 WIB is 17:30 UTC.
    sunday_night = datetime(2026, 11, 15, 16, 30, tzinfo=UTC)
    monday_early = datetime(2026, 11, 15, 17, 30, tzinfo=UTC)
    with transaction() as session:
        late = factories.ticket(session=session, now=sunday_night, alert=False)
        factories.ticket(session=session, now=monday_early, alert=False)
        factories.ticket(session=session, now=monday_early + timedelta(days=2), alert=False)
        session.execute(
            update(Ticket)
            .where(Ticket.id == late.id)
            .values(forwarded_at=sunday_night + timedelta(hours=3))
        )
        weeks = weekly(session=session, start=datetime(2026, 11, 1, tzinfo=UTC),
                       end=datetime(2026, 12, 1, tzinfo=UTC), first=date(2026, 11, 1),
                       last=date(2026, 11, 30))  # fmt: skip
    by_start = {w.start: w for w in weeks}
    assert min(by_start) == date(2026, 10, 26) and max(by_start) == date(2026, 11, 30)
    assert [by_start[date(2026, 11, 9)].filed, by_start[date(2026, 11, 16)].filed] == [1, 2]
    assert by_start[date(2026, 11, 9)].forwarded_on_time_pct == 100.0
    assert by_start[date(2026, 11, 16)].forwarded_on_time_pct is None  # none forwarded
    assert sum(w.filed for w in weeks) == 3


@pytest.mark.parametrize("region", [None, "metro"])
def test_map_points_round_and_scope(db: str, region: str | None) -> None:
    with transaction() as session:
        factories.ticket(session=session, region="metro", latitude=-5.113456, longitude=105.306789,
                         category="pungli", confidential=True, now=FILED, alert=False)  # fmt: skip
        factories.ticket(session=session, region="pringsewu", now=FILED, alert=False)
        found, more = points(session=session, start=FILED - timedelta(1),
                             end=FILED + timedelta(1), region=region)  # fmt: skip
    assert not more
    assert len(found) == (2 if region is None else 1)
    secret = next(p for p in found if p.category == "pungli")
    assert (secret.latitude, secret.longitude, secret.confidential) == (-5.113, 105.307, True)
