"""Grow a database to N realistic tickets: `python -m bench.fill --tickets N`.

The database (DATABASE_URL, or `database_url`) is migrated first
(tickets.reference.upgrade). With M tickets already there, N - M are added, so one
database grows 10k -> 100k -> 1M. The new tickets are filed over the past year
before `now`, in time order, by citizens new and returning (places.py, people.py),
and live as the workflow lets them (life.py): numbers LPG-YYYY-NNNNNN go on from
ticket_sequence, which is raised to the last one. Rows are written in chunks, one
transaction each (write.py: COPY on PostgreSQL), then ANALYZE. The same seed, `now`
and starting database give the same rows.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any

from sqlalchemy import Connection, func, select

from bench.fill import spread
from bench.fill.life import Life, Target, breaches
from bench.fill.people import Citizens, Staff
from bench.fill.places import default_places
from bench.fill.rows import Filed, Ids, Rows
from bench.fill.texts import description
from bench.fill.write import (
    analyze,
    default_method,
    next_id,
    orphans,
    raise_sequences,
    skip_foreign_key_triggers,
    sync_id_sequence,
    write,
)
from core.db import make_engine
from core.settings import get_settings
from core.timestamps import WIB
from knowledge.agencies import route_for
from knowledge.categories import all_categories
from tickets.enums import LocationSource
from tickets.models import Citizen, Ticket, TicketSequence
from tickets.reference import upgrade

CHUNK = 50_000  # tickets per transaction
# Written in this order (foreign keys), explicit ids for all of them.
TABLES = ("citizen", "contact", "conversation", "ticket", "ticket_supporter", "ticket_event",
          "escalation")  # fmt: skip


@dataclass(frozen=True)
class FillResult:
    before: int
    added: int
    seconds: float
    method: str


def fill(
    tickets: int,
    *,
    seed: int = 0,
    database_url: str | None = None,
    now: datetime | None = None,
    method: str | None = None,
    chunk: int = CHUNK,
    progress: Callable[[str], None] = lambda line: None,
) -> FillResult:
    url = database_url or get_settings().database_url
    upgrade(url)
    engine = make_engine(url)
    started = time.perf_counter()
    now = (now or datetime.now(UTC)).astimezone(UTC)
    try:
        with engine.begin() as conn:
            before = int(conn.scalar(select(func.count()).select_from(Ticket)) or 0)
            method = method or default_method(conn)
            if before >= tickets:
                return FillResult(before, 0, 0.0, method)
            staff = Staff(conn)
            citizens, ids, last = _state(conn)
        rng = random.Random(f"{seed}:{before}")
        times = _filing_times(rng, tickets - before, now)
        grower = _Grower(rng, now, staff, citizens, ids, last)
        chunks = [times[start : start + chunk] for start in range(0, len(times), chunk)]
        # The next chunk is drawn while the database takes this one.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(grower.grow, chunks[0])
            for number in range(len(chunks)):
                grown = pending.result()
                if number + 1 < len(chunks):
                    pending = pool.submit(grower.grow, chunks[number + 1])
                with engine.begin() as conn:
                    _write(conn, grown, method)
                progress(f"{before + sum(len(c) for c in chunks[: number + 1])} tickets")
        with engine.begin() as conn:
            analyze(conn)
    finally:
        engine.dispose()
    return FillResult(before, len(times), time.perf_counter() - started, method)


def _write(conn: Connection, grown: Grown, method: str) -> None:
    """One chunk in the caller's transaction, its numbers and id sequences after it."""
    unchecked = skip_foreign_key_triggers(conn)
    for name in TABLES:
        write(conn, name, grown.rows[name], method)
    if unchecked and (broken := orphans(conn, grown.first_ids())):
        raise RuntimeError(f"filled rows break foreign keys: {broken}")
    for name in TABLES:
        sync_id_sequence(conn, name)
    raise_sequences(conn, grown.last)


def _state(conn: Connection) -> tuple[Citizens, Ids, dict[int, int]]:
    known = conn.execute(select(Citizen.created_at, Citizen.id).order_by(Citizen.created_at))
    pairs = [(at, citizen_id) for at, citizen_id in known]
    citizens = Citizens(
        next_id=next_id(conn, "citizen"),
        existing_times=[at for at, _ in pairs],
        existing_ids=[citizen_id for _, citizen_id in pairs],
        next_contact_id=next_id(conn, "contact"),
        next_conversation_id=next_id(conn, "conversation"),
    )
    ids = Ids(ticket=next_id(conn, "ticket"), ticket_event=next_id(conn, "ticket_event"),
              escalation=next_id(conn, "escalation"),
              ticket_supporter=next_id(conn, "ticket_supporter"))  # fmt: skip
    last: dict[int, int] = defaultdict(int)
    for year, value in conn.execute(select(TicketSequence.year, TicketSequence.last_value)):
        last[year] = value
    for year, value in conn.execute(
        select(Ticket.year, func.max(Ticket.seq)).group_by(Ticket.year)
    ):
        last[year] = max(last[year], value)
    return citizens, ids, last


def _filing_times(rng: random.Random, count: int, now: datetime) -> list[datetime]:
    """`count` filing times over the past DAYS days, by the hour of day (WIB)."""
    today = now.astimezone(WIB).replace(hour=0, minute=0, second=0, microsecond=0)
    hours = range(24)
    cumulative = list(accumulate(spread.HOUR_WEIGHTS))
    times = []
    for _ in range(count):
        day = rng.randrange(spread.DAYS)
        hour = rng.choices(hours, cum_weights=cumulative)[0]
        at = today - timedelta(days=day, hours=-hour, seconds=-rng.uniform(0, 3600))
        if at >= now:  # later today: not yet
            at = now - timedelta(seconds=rng.uniform(1, 6 * 3600))
        times.append(at.astimezone(UTC))
    return sorted(times)


@dataclass(frozen=True)
class Grown:
    """The rows of one chunk, and the last ticket number of each year after it."""

    rows: dict[str, list[dict[str, Any]]]
    last: dict[int, int]

    def first_ids(self) -> dict[str, int]:
        return {name: rows[0]["id"] for name, rows in self.rows.items() if rows}


class _Grower:
    """Makes the rows of tickets filed at given times, in time order, chunk by chunk."""

    def __init__(self, rng: random.Random, now: datetime, staff: Staff, citizens: Citizens,
                 ids: Ids, last: dict[int, int]) -> None:  # fmt: skip
        self.rng, self.now, self.citizens, self.ids, self.last = rng, now, citizens, ids, last
        self.places = default_places()
        self.life = Life(rng, now, staff.operator, staff.agency)
        self.categories = all_categories()
        weights = (spread.CATEGORY_WEIGHTS.get(c.id, 1) for c in self.categories)
        self.cumulative = list(accumulate(weights))
        self.suggested = {c.id: route_for(c.id).agency for c in self.categories}
        self.recent: dict[tuple[str, str], Target] = {}

    def grow(self, times: list[datetime]) -> Grown:
        rows = Rows()
        for at in times:
            self._one(rows, at)
        return Grown({**self.citizens.take_rows(), **rows.tables}, dict(self.last))

    def _one(self, rows: Rows, at: datetime) -> None:
        rng = self.rng
        found = rng.choices(self.categories, cum_weights=self.cumulative)[0]
        category = found.id
        location = self.places.draw(rng)
        citizen_id = self.citizens.reporter(rng, at)
        self.last[at.year] += 1
        filed = Filed(
            id=self.ids.ticket, year=at.year, seq=self.last[at.year], citizen_id=citizen_id,
            category=category, description=rng.choice(description(category)),
            location=location,
            confidential=found.confidential or rng.random() < spread.CONFIDENTIAL_SHARE,
            suggested_agency=self.suggested[category],
        )  # fmt: skip
        self.ids.ticket += 1
        group = (category, location.region_code)
        story = self.life.live(created=at, category=category, region=location.region_code,
                               citizen_id=citizen_id,
                               merge_target=lambda acted: self._target(group, acted))  # fmt: skip
        supporters = self._supporters(filed, at, story.closed, found.duplicate_radius_m)
        rows.add(self.ids, filed, story, breaches(story, self.now), supporters)
        self.recent[group] = Target(filed.id, filed.number, at, story.closed)

    def _target(self, group: tuple[str, str], acted: datetime) -> Target | None:
        target = self.recent.get(group)
        return target if target and target.created < acted < target.closed else None

    def _supporters(
        self, filed: Filed, created: datetime, closed: datetime, radius: int
    ) -> list[tuple[int, datetime]]:
        """Citizens who chose "dukung" on this (open, pinned) ticket, in time order."""
        rng = self.rng
        pinned = filed.location.source == LocationSource.PIN
        if radius <= 0 or not pinned or rng.random() >= spread.SUPPORTED_SHARE:
            return []
        found: dict[int, datetime] = {}
        for _ in range(rng.randint(1, spread.MAX_SUPPORTERS)):
            at = created + timedelta(hours=rng.lognormvariate(0, spread.SUPPORT_DELAY[1])
                                     * spread.SUPPORT_DELAY[0])  # fmt: skip
            who = self.citizens.pick(rng, created)
            if who and who != filed.citizen_id and who not in found and at <= min(self.now, closed):
                found[who] = at
        return sorted(found.items(), key=lambda item: item[1])
