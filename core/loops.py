"""The one "work until stopped" loop every background task of the bot uses."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


async def run_until_stopped(
    step: Callable[[], Awaitable[int]],
    stop: asyncio.Event,
    *,
    name: str,
    idle_seconds: float,
    wake: asyncio.Event | None = None,
    always_pause: bool = False,
) -> None:
    """Call ``step`` until ``stop`` is set. ``step`` returns how much it did; after a
    round with nothing to do (or after every round with ``always_pause``) wait
    ``idle_seconds``, or less when ``wake`` or ``stop`` is set meanwhile.

    A failing round is logged and counts as idle: a database hiccup must never end
    a background task.
    """
    while not stop.is_set():
        if wake is not None:
            wake.clear()  # before the round: a wake-up arriving during it is kept
        try:
            done = await step()
        except Exception:
            log.exception("%s: round failed", name)
            done = 0
        if done and not always_pause:
            continue
        waiters = [asyncio.ensure_future(stop.wait())]
        if wake is not None:
            waiters.append(asyncio.ensure_future(wake.wait()))
        try:
            await asyncio.wait(waiters, timeout=idle_seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()


class Wakeup:
    """Wakes every loop that waits on it (several workers of one queue)."""

    def __init__(self) -> None:
        self._events: list[asyncio.Event] = []

    def event(self) -> asyncio.Event:
        event = asyncio.Event()
        self._events.append(event)
        return event

    def set(self) -> None:
        for event in self._events:
            event.set()


async def run_workers(
    step: Callable[[], Awaitable[int]],
    stop: asyncio.Event,
    *,
    workers: int,
    name: str,
    idle_seconds: float,
    wake: Wakeup,
) -> None:
    """`workers` copies of the loop over one `step`, side by side until `stop`."""
    await asyncio.gather(
        *(
            run_until_stopped(
                step, stop, name=f"{name} {n}", idle_seconds=idle_seconds, wake=wake.event()
            )
            for n in range(1, workers + 1)
        )
    )
