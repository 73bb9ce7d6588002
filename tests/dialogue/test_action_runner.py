"""Action calls share one event loop per thread (no loop built and torn down per
call) and still run in the caller's context, as under asyncio.run."""

from __future__ import annotations

import asyncio
import contextvars
import gc
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from dialogue.action_runner import get_executor, run_action
from dialogue.domain import get_domain
from dialogue.tracker import TrackerState

PROBE = "action_probe_of_the_runner"
_value: contextvars.ContextVar[str | None] = contextvars.ContextVar("probe", default=None)


@pytest.fixture
def probe() -> Iterator[list[tuple[asyncio.AbstractEventLoop, str | None]]]:
    """A throw-away action recording the loop it ran on and the context it saw."""
    seen: list[tuple[asyncio.AbstractEventLoop, str | None]] = []

    async def run(dispatcher: Any, tracker: Any, domain: Any) -> list[dict[str, Any]]:
        seen.append((asyncio.get_running_loop(), _value.get()))
        _value.set("changed by the action")  # stays in the action's copy
        return []

    executor = get_executor()
    executor.register_function(PROBE, run)
    try:
        yield seen
    finally:
        executor.actions.pop(PROBE, None)


def _call(value: str) -> None:
    token = _value.set(value)
    try:
        run_action(PROBE, TrackerState("test:probe"), get_domain())
        assert _value.get() == value
    finally:
        _value.reset(token)


def test_one_loop_per_thread_in_the_callers_context(
    probe: list[tuple[asyncio.AbstractEventLoop, str | None]],
) -> None:
    _call("first")
    _call("second")
    worker = threading.Thread(target=_call, args=("in a worker",))
    worker.start()
    worker.join()
    (loop, first), (again, second), (other, in_worker) = probe
    assert (first, second, in_worker) == ("first", "second", "in a worker")
    assert again is loop and not loop.is_closed()
    assert other is not loop
    del probe[:], again
    gc.collect()
    assert other.is_closed()  # closed with its thread
