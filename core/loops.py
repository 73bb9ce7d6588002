"""The one "work until stopped" loop every background task of the bot uses."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

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


# Claims of a dispatcher at most this often under load: what arrives meanwhile shares
# one claim (one transaction) instead of taking one each.
GATHER_SECONDS = 0.01

T = TypeVar("T")


async def run_dispatcher(
    claim: Callable[[int], Awaitable[Sequence[T]]],
    handle: Callable[[T], Awaitable[None]],
    stop: asyncio.Event,
    *,
    concurrency: int,
    name: str,
    idle_seconds: float,
    wake: asyncio.Event,
    gather_seconds: float = GATHER_SECONDS,
    prefetch: int = 1,
) -> None:
    """Claim jobs (`claim(room)` returns at most `room`) and `handle` each in a task of
    its own, `concurrency` at a time, until `stop`; then wait for those running.

    With `prefetch` > 1 it holds up to `concurrency` x `prefetch` claimed jobs and
    claims again only when fewer than `concurrency` of them wait for a slot: under
    load one claim (a transaction) takes several jobs instead of one each.

    It claims again at once while claims fill every free slot; otherwise when `wake`
    is set (new work), after `idle_seconds`, or when a job ends if work may wait
    that the last claim could not take (it filled every slot, or ran while jobs were
    in flight: their conversations' next jobs wait for them). A failing claim or job
    is logged: the loop goes on, and an unsettled job comes back when its lease runs
    out.
    """
    loop = asyncio.get_running_loop()
    running: set[asyncio.Task[None]] = set()
    freed = asyncio.Event()
    last_claim = -gather_seconds
    slots, gate = concurrency * max(1, prefetch), asyncio.Semaphore(concurrency)
    started = 0  # jobs holding a slot of the gate; the rest of `running` wait for one

    async def guarded(job: T) -> None:
        nonlocal started
        async with gate:
            started += 1
            freed.set()  # one fewer waits: maybe time to claim more
            try:
                await handle(job)
            except Exception:
                log.exception("%s: a job failed", name)
            finally:
                started -= 1

    def done(task: asyncio.Task[None]) -> None:
        running.discard(task)
        freed.set()

    more = False
    while not stop.is_set():
        wake.clear()
        freed.clear()
        room = slots - len(running)
        claimed: Sequence[T] = ()
        if room <= 0 or len(running) - started >= concurrency:
            more = True
        else:
            pause = last_claim + gather_seconds - loop.time()
            if pause > 0:
                await asyncio.sleep(pause)
            last_claim = loop.time()
            busy = bool(running)
            try:
                claimed = await claim(room)
            except Exception:
                log.exception("%s: claim failed", name)
            more = busy or len(claimed) >= room
            for job in claimed:
                task = asyncio.create_task(guarded(job))
                running.add(task)
                task.add_done_callback(done)
            if claimed and len(claimed) >= room:
                continue
        events = (stop, wake, freed) if more else (stop, wake)
        waiters = [asyncio.ensure_future(e.wait()) for e in events]
        try:
            await asyncio.wait(waiters, timeout=idle_seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
    if running:
        await asyncio.gather(*running, return_exceptions=True)
