"""Time as a dependency, so tests move it instead of sleeping.

Code that needs "now" for a decision (SLA sweeps, deadlines) takes a `Clock`;
production passes `system_clock`, tests a `FixedClock` they advance.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from core.timestamps import utcnow

Clock = Callable[[], datetime]

system_clock: Clock = utcnow


class FixedClock:
    """A clock that stands still until told to move."""

    def __init__(self, start: datetime) -> None:
        self.now = start if start.tzinfo else start.replace(tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> datetime:
        self.now += delta
        return self.now
