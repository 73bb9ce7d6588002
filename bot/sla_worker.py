"""Runs the SLA sweep periodically inside the bot process (polling or webhook).

Each round: record new breaches and queue supervisor messages, then queue the
leaders' digest for yesterday (once per leader and day, whatever the number of
rounds or processes).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from core.clock import Clock, system_clock
from core.db import transaction
from tickets.deadlines import service_levels
from tickets.escalation import sweep_and_digest

log = logging.getLogger(__name__)


def run_once(clock: Clock = system_clock, database_url: str | None = None) -> int:
    with transaction(database_url) as session:
        result, _ = sweep_and_digest(session=session, now=clock())
    if result.recorded:
        log.info("SLA sweep: %d new breach(es)", len(result.recorded))
    return len(result.recorded)


async def run(stop: asyncio.Event, clock: Clock = system_clock) -> None:
    interval = service_levels().sweep_every.total_seconds()
    while not stop.is_set():
        try:
            await asyncio.to_thread(run_once, clock)
        except Exception:  # a database hiccup must not stop the bot
            log.exception("SLA sweep failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
