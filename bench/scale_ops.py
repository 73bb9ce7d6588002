"""The operations bench/scale_bench.py times at each size, each a call into the code
the bot runs, on the database the settings point at (bench.common.use_database).

`queue_page` is the one place the operator queue is read: switch it when a
keyset-paginated queue exists.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bench.fill.places import default_places
from core.clock import FixedClock
from core.db import transaction
from core.timestamps import WIB
from knowledge.categories import all_categories
from tickets.enums import LocationSource, StaffRole
from tickets.models import Contact, StaffUser, Ticket
from tickets.queue import QueueRow
from tickets.statuses import all_statuses

QUEUE_PAGE = 20
QUEUE_REGION = "bandar_lampung"


class StatementCounter:
    """SQL statements sent through any SQLAlchemy engine while `counting()`
    (an executemany counts once; BEGIN/COMMIT and the pool's ping are not statements)."""

    def __init__(self) -> None:
        self.count = 0
        self._on = False
        event.listen(Engine, "before_cursor_execute", self._seen)

    def _seen(self, *_: Any) -> None:
        if self._on:
            self.count += 1

    @contextmanager
    def counting(self) -> Iterator[None]:
        self.count, self._on = 0, True
        try:
            yield
        finally:
            self._on = False


def queue_page(session: Session, operator: StaffUser) -> list[QueueRow]:
    """A page of the operator's work queue (`tickets queue`): the open tickets in
    their scope, oldest first, and the page after it through its cursor."""
    from tickets.queue import queue_page as page_of
    from tickets.scope import visible_filter

    open_statuses = [s.id for s in all_statuses().values() if s.open]
    where = visible_filter(operator)
    first = page_of(session=session, where=where, status=open_statuses, limit=QUEUE_PAGE,
                    oldest_first=True)  # fmt: skip
    if first.next is None:
        return first.items
    second = page_of(session=session, where=where, status=open_statuses, limit=QUEUE_PAGE,
                     after=first.next, oldest_first=True)  # fmt: skip
    return first.items + second.items


@dataclass(frozen=True)
class Citizen:
    channel: str
    user_key: str
    ticket_number: str  # one of theirs, for "cek"


def citizen_with_tickets(count: int = 3) -> Citizen:
    """A citizen with exactly `count` tickets (the same work per message at every
    size) and one of their contacts."""
    with transaction() as session:
        citizen_id = session.scalar(
            select(Ticket.citizen_id)
            .group_by(Ticket.citizen_id)
            .having(func.count() == count)
            .order_by(Ticket.citizen_id)
            .limit(1)
        )
        contact = session.scalars(
            select(Contact).where(Contact.citizen_id == citizen_id).order_by(Contact.id)
        ).first()
        number = session.scalar(
            select(Ticket.number).where(Ticket.citizen_id == citizen_id).order_by(Ticket.id)
        )
        assert contact is not None and number is not None
        return Citizen(contact.channel, contact.user_key, number)


def operator_of(region: str = QUEUE_REGION) -> StaffUser:
    with transaction() as session:
        found = session.scalars(
            select(StaffUser)
            .where(StaffUser.role == StaffRole.OPERATOR, StaffUser.region_code == region)
            .order_by(StaffUser.id)
        ).first()
        assert found is not None, "bench.fill creates the regions' operators"
        return found


def pin_step(rng: random.Random, pins: int) -> Callable[[], None]:
    """The nearby-duplicate check for `pins` random pins (a category with a radius)."""
    from tickets.duplicates import nearby_open_tickets

    places = default_places()
    categories = [c.id for c in all_categories() if c.duplicate_radius_m > 0]
    asked: list[tuple[str, float, float]] = []
    while len(asked) < pins:
        where = places.draw(rng)
        if where.source == LocationSource.PIN:
            asked.append((rng.choice(categories), where.latitude, where.longitude))

    def run() -> None:
        for category, latitude, longitude in asked:
            with transaction() as session:
                nearby_open_tickets(session=session, category=category, latitude=latitude,
                                    longitude=longitude, exclude_citizen_id=1)  # fmt: skip

    return run


# Tickets that fall due in each measured sweep round, at every size: the round's work
# is the same, so its cost says what the open backlog and the history add to it.
NEWLY_DUE = 20


def sweep(clock: FixedClock) -> Callable[[], None]:
    """One sweep round as `bot serve` runs it, the clock a sweep interval later each time."""
    from bot.workers import sweep_once
    from tickets.deadlines import service_levels

    def run() -> None:
        clock.advance(service_levels().sweep_every)
        sweep_once(clock)

    return run


def sweep_due(clock: FixedClock) -> Callable[[], None]:
    """Before a measured round: NEWLY_DUE new tickets get a forwarding deadline inside
    the next interval (as a re-route gives one), so the round records as many breaches
    at 10k as at 1M."""
    from tickets.deadlines import service_levels

    def prepare() -> None:
        due = clock.now + service_levels().sweep_every / 2
        with transaction() as session:
            ids = select(Ticket.id).where(Ticket.status == "new").order_by(func.random())
            chosen = list(session.scalars(ids.limit(NEWLY_DUE)))
            session.execute(
                update(Ticket)
                .where(Ticket.id.in_(chosen))
                .values(forward_due_at=due, escalation_due_at=due)
            )

    return prepare


def queue(operator: StaffUser) -> Callable[[], None]:
    def run() -> None:
        with transaction() as session:
            assert len(queue_page(session, operator)) <= 2 * QUEUE_PAGE

    return run


def month_report(now: datetime) -> Callable[[], None]:
    """`sla report` for the last whole month (WIB)."""
    from tickets.escalation import report

    first = now.astimezone(WIB).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    start = (first - timedelta(days=1)).replace(day=1)

    def run() -> None:
        with transaction() as session:
            report(session=session, start=start, end=first)

    return run


def message(engine: Any, citizen: Citizen, text: str) -> Callable[[], None]:
    """One message of the citizen through the engine the served channels use."""
    from dialogue.messages import Inbound

    def run() -> None:
        engine.handle(Inbound(citizen.channel, citizen.user_key, uuid.uuid4().hex, text=text))

    return run
