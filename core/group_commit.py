"""Group commit: what many requests write at about the same time goes into one
transaction.

Each webhook must be stored before its 200, and a transaction of its own per
webhook (a thread hop, BEGIN, the INSERT, COMMIT and its flush to disk) costs more
than the insert. `submit` queues an item and waits for its result; one flush at a
time writes everything queued, so under load the items that arrive while one
batch is written share the next, and an item that arrives alone is written at
once (no timer, no added wait).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Items per transaction at most (one INSERT of that many rows).
MAX_ITEMS = 200


class GroupCommit(Generic[Item, Result]):
    """`write(items)` (run in a worker thread, one call per transaction) returns one
    result per item, in order; when it raises, every item of that call gets the
    error."""

    def __init__(
        self, write: Callable[[list[Item]], Sequence[Result]], *, max_items: int = MAX_ITEMS
    ) -> None:
        self._write = write
        self._max_items = max_items
        self._queued: list[tuple[Item, asyncio.Future[Result]]] = []
        self._flushing: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        """Write `item` with whatever else is queued; its result, or the write's error."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._queued.append((item, future))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        while self._queued:
            batch = self._queued[: self._max_items]
            del self._queued[: self._max_items]
            try:
                results = await asyncio.to_thread(self._write, [item for item, _ in batch])
            except Exception as error:
                for _, future in batch:
                    if not future.done():  # a waiter that went away (cancelled) is skipped
                        future.set_exception(error)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)
