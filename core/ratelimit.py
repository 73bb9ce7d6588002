"""Rate limits for calls to a platform, on aiolimiter's leaky bucket.

`limiter(burst, per_second)` lets `burst` calls go at once, then `per_second` on
average: in any window of T seconds at most burst + per_second x T calls. A
platform's "at most N a second" is met with burst + per_second <= N.
`PerKey` keeps one such limiter per chat, forgetting those that are idle again.
"""

from __future__ import annotations

from collections.abc import Hashable

from aiolimiter import AsyncLimiter

# Limiters kept before idle ones (with their whole burst available) are dropped.
MAX_KEPT = 4096


def limiter(*, burst: float, per_second: float) -> AsyncLimiter:
    # The bucket holds `max_rate` and drains max_rate / time_period a second.
    return AsyncLimiter(max_rate=burst, time_period=burst / per_second)


def most_in(window: float, *, burst: float, per_second: float) -> float:
    """The most calls such a limiter lets through in any `window` seconds."""
    return burst + per_second * window


class PerKey:
    """One limiter per key (a chat, a recipient), made on first use."""

    def __init__(self, *, burst: float, per_second: float) -> None:
        self.burst = burst
        self.per_second = per_second
        self._limiters: dict[Hashable, AsyncLimiter] = {}

    def __getitem__(self, key: Hashable) -> AsyncLimiter:
        found = self._limiters.get(key)
        if found is not None:
            return found
        if len(self._limiters) >= MAX_KEPT:
            self._forget_idle()
        made = limiter(burst=self.burst, per_second=self.per_second)
        self._limiters[key] = made
        return made

    def _forget_idle(self) -> None:
        # A limiter with its whole burst free holds nothing worth keeping.
        for key, kept in list(self._limiters.items()):
            if kept.has_capacity(kept.max_rate):
                del self._limiters[key]

    def __len__(self) -> int:
        return len(self._limiters)
