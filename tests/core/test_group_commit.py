"""GroupCommit: webhooks that arrive together are stored in one transaction."""

from __future__ import annotations

import asyncio
import threading

import pytest

from core.group_commit import GroupCommit


class Writes:
    def __init__(self, *, fail_with: Exception | None = None) -> None:
        self.calls: list[list[int]] = []
        self.fail_with = fail_with
        self.release = threading.Event()

    def write(self, items: list[int]) -> list[int]:
        self.calls.append(items)
        self.release.wait(timeout=5)  # the first batch is slow: the others queue
        if self.fail_with is not None:
            raise self.fail_with
        return [item * 10 for item in items]


def test_items_arriving_during_a_write_share_the_next_one() -> None:
    writes = Writes()

    async def scenario() -> list[int]:
        intake = GroupCommit(writes.write)
        first = asyncio.create_task(intake.submit(0))
        await asyncio.sleep(0.05)  # item 0 is being written
        rest = [asyncio.create_task(intake.submit(n)) for n in range(1, 51)]
        await asyncio.sleep(0.05)
        writes.release.set()
        return [await first, *[await task for task in rest]]

    results = asyncio.run(scenario())
    assert results == [n * 10 for n in range(51)]  # each caller gets its own result
    assert writes.calls == [[0], list(range(1, 51))]  # two transactions, not 51


def test_a_batch_is_at_most_max_items() -> None:
    writes = Writes()
    writes.release.set()

    async def scenario() -> None:
        intake = GroupCommit(writes.write, max_items=20)
        await asyncio.gather(*(intake.submit(n) for n in range(45)))

    asyncio.run(scenario())
    assert [len(call) for call in writes.calls] == [20, 20, 5]


def test_a_failed_write_fails_every_item_of_it_and_the_next_ones_still_go() -> None:
    writes = Writes(fail_with=RuntimeError("database away"))
    writes.release.set()

    async def scenario() -> tuple[list[BaseException | int], int]:
        intake = GroupCommit(writes.write)
        failed = await asyncio.gather(*(intake.submit(n) for n in range(3)),
                                      return_exceptions=True)  # fmt: skip
        writes.fail_with = None
        return list(failed), await intake.submit(7)

    failed, later = asyncio.run(scenario())
    assert all(isinstance(error, RuntimeError) for error in failed)
    assert later == 70


def test_a_cancelled_waiter_does_not_break_the_batch() -> None:
    writes = Writes()

    async def scenario() -> int:
        intake = GroupCommit(writes.write)
        gone = asyncio.create_task(intake.submit(1))
        kept = asyncio.create_task(intake.submit(2))
        await asyncio.sleep(0.02)
        gone.cancel()
        writes.release.set()
        with pytest.raises(asyncio.CancelledError):
            await gone
        return await kept

    assert asyncio.run(scenario()) == 20
    assert writes.calls == [[1, 2]]  # the cancelled caller's item is still written
