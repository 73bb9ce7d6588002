"""core.ratelimit: a burst at once, then the rate; counted in windows of the record."""

from __future__ import annotations

import asyncio

import pytest

from core import ratelimit
from core.ratelimit import PerKey, limiter, most_in


def most_in_any_window(times: list[float], window: float) -> int:
    """The most of `times` that fall in one window of `window` seconds."""
    ordered = sorted(times)
    best, start = 0, 0
    for end, at in enumerate(ordered):
        while at - ordered[start] >= window - 1e-6:
            start += 1
        best = max(best, end - start + 1)
    return best


def test_a_limiter_lets_its_burst_through_then_keeps_the_rate() -> None:
    async def main() -> list[float]:
        bucket = limiter(burst=3, per_second=40)
        loop = asyncio.get_running_loop()
        times = []
        for _ in range(23):
            await bucket.acquire()
            times.append(loop.time())
        return times

    times = asyncio.run(main())
    assert most_in_any_window(times, 0.001) == 3  # the burst, at once
    for window in (0.05, 0.1, 0.25):
        assert most_in_any_window(times, window) <= most_in(window, burst=3, per_second=40)


def test_per_key_limits_each_key_on_its_own_and_forgets_idle_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ratelimit, "MAX_KEPT", 4)
    keyed = PerKey(burst=1, per_second=1000)

    async def main() -> None:
        for key in range(4):
            await keyed[key].acquire()
        assert keyed[0] is keyed[0] and keyed[0] is not keyed[1]
        await asyncio.sleep(0.01)  # all drained: idle
        keyed["new"]
        assert len(keyed) == 1

    asyncio.run(main())
