"""run_dispatcher: how many jobs run at once, and how many a claim takes."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import pytest

from core.loops import run_dispatcher


class Queue:
    """Jobs 0..n-1; records every claim's `room` and how many jobs ran at once."""

    def __init__(self, jobs: int, *, work_seconds: float = 0.02) -> None:
        self.waiting = list(range(jobs))
        self.rooms: list[int] = []
        self.taken: list[int] = []  # jobs per claim that found any
        self.done: list[int] = []
        self.running = 0
        self.most_at_once = 0
        self.work_seconds = work_seconds

    async def claim(self, room: int) -> list[int]:
        self.rooms.append(room)
        taken, self.waiting = self.waiting[:room], self.waiting[room:]
        if taken:
            self.taken.append(len(taken))
        return taken

    async def handle(self, job: int) -> None:
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        await asyncio.sleep(self.work_seconds)
        self.running -= 1
        self.done.append(job)


def _dispatch(
    queue: Queue, stop: asyncio.Event, *, concurrency: int, prefetch: int
) -> Coroutine[Any, Any, None]:
    return run_dispatcher(
        queue.claim, queue.handle, stop, concurrency=concurrency, name="test",
        idle_seconds=0.01, wake=asyncio.Event(), gather_seconds=0.0, prefetch=prefetch,
    )  # fmt: skip


async def _run(queue: Queue, *, concurrency: int, prefetch: int = 1) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(_dispatch(queue, stop, concurrency=concurrency, prefetch=prefetch))
    for _ in range(500):
        if not queue.waiting and not queue.running:
            break  # stopping now still finishes the jobs claimed ahead
        await asyncio.sleep(0.01)
    stop.set()
    await task


@pytest.mark.parametrize("prefetch", [1, 4])
def test_never_more_than_concurrency_at_once_and_every_job_done(prefetch: int) -> None:
    queue = Queue(40)
    asyncio.run(_run(queue, concurrency=3, prefetch=prefetch))
    assert sorted(queue.done) == list(range(40))
    assert queue.most_at_once == 3


def test_prefetch_claims_several_jobs_per_claim() -> None:
    """With one claim per finished job (prefetch 1) every claim after the first
    takes one job; prefetch 4 holds up to 8 and claims only when fewer than 2 wait."""
    plain, prefetched = Queue(40), Queue(40)
    asyncio.run(_run(plain, concurrency=2))
    asyncio.run(_run(prefetched, concurrency=2, prefetch=4))
    assert prefetched.rooms[0] == 8 and max(plain.rooms) == 2
    # The same 40 jobs in fewer claims (each claim a transaction).
    assert len(prefetched.taken) < len(plain.taken)
    assert sum(prefetched.taken) / len(prefetched.taken) > 2 >= max(plain.taken)
    assert sorted(prefetched.done) == list(range(40))


def test_stop_waits_for_claimed_jobs_that_wait_for_a_slot() -> None:
    """Jobs claimed ahead are the dispatcher's: stopping still runs them (their
    claims are not left to a lease)."""

    async def scenario() -> Queue:
        queue = Queue(8, work_seconds=0.05)
        stop = asyncio.Event()
        task = asyncio.create_task(_dispatch(queue, stop, concurrency=2, prefetch=4))
        await asyncio.sleep(0.01)  # the first claim took all 8; 2 run
        stop.set()
        await task
        return queue

    queue = asyncio.run(scenario())
    assert sorted(queue.done) == list(range(8))
    assert queue.most_at_once == 2
