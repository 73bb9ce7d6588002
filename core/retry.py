"""How a queue retries a failed job: exponential backoff, then give up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: `first_delay` after the first attempt, doubling, capped at
    `max_delay` (None: uncapped); after `max_attempts` attempts the job fails."""

    first_delay: timedelta
    max_attempts: int
    max_delay: timedelta | None = None

    def delay(self, attempts: int, floor: timedelta | None = None) -> timedelta:
        """How long to wait after the `attempts`-th attempt failed; never less than
        `floor` (e.g. a channel's own retry-after)."""
        backoff = self.first_delay * 2 ** (attempts - 1)
        if self.max_delay is not None:
            backoff = min(backoff, self.max_delay)
        return max(backoff, floor or timedelta(0))

    def exhausted(self, attempts: int) -> bool:
        return attempts >= self.max_attempts
