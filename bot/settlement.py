"""The outbox worker's settlements, many per transaction.

Each outcome (sent, retry later, blocked, failed, or not sent and back in the queue)
is added as it comes; one transaction at a time writes everything added meanwhile,
with what the channel keeps of each send (the Outcome's `record`). While it writes,
the next outcomes wait for the next transaction: under load a transaction settles
dozens of sends, at rest one. A write that fails is tried again; when it keeps
failing the rows stay "sending" and their lease brings them back (sent at least
once, as before).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.db import transaction
from core.timestamps import utcnow
from dialogue import store as dialogue_store
from dialogue.delivery import Outcome, Result
from tickets import notifications

log = logging.getLogger(__name__)

WRITE_ATTEMPTS = 3
FIRST_PAUSE = 0.5  # seconds before the second attempt, doubling


@dataclass(frozen=True)
class Settled:
    notification_id: int
    user_key: str
    # None: not sent, back in the queue (behind an earlier row of its chat to retry).
    outcome: Outcome | None
    # Ticket news' buttons that a typed answer may refer to, once it is sent.
    offered: list[Any] | None = None
    at: datetime | None = None


class Settlement:
    def __init__(
        self, channel: str, database_url: str | None, *, on_settled: Callable[[], None] | None
    ) -> None:
        self.channel = channel
        self.database_url = database_url
        self.on_settled = on_settled
        self.added = 0
        self._waiting: list[Settled] = []
        self._task: asyncio.Task[None] | None = None

    def add(self, item: Settled) -> None:
        self._waiting.append(item)
        self.added += 1
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run())

    async def drain(self) -> None:
        """Wait until everything added is written (or given up)."""
        while self._task is not None and not self._task.done():
            await self._task

    async def _run(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            pause = FIRST_PAUSE
            for attempt in range(1, WRITE_ATTEMPTS + 1):
                try:
                    await asyncio.to_thread(self.write, batch)
                    break
                except Exception:
                    if attempt == WRITE_ATTEMPTS:
                        log.exception("outbox %s: %s outcomes not settled (their lease "
                                      "brings them back)", self.channel, len(batch))  # fmt: skip
                    else:
                        await asyncio.sleep(pause)
                        pause *= 2
            if self.on_settled is not None:
                self.on_settled()  # the chats' next rows may be claimed now

    def write(self, batch: list[Settled]) -> None:
        with transaction(self.database_url) as session:
            sent = [s for s in batch if s.outcome is not None and s.outcome.result is Result.SENT]
            notifications.mark_sent_many(
                session=session, notification_ids=[s.notification_id for s in sent],
                now=utcnow(),
            )  # fmt: skip
            notifications.release(
                session=session, notification_ids=[s.notification_id for s in batch
                                                   if s.outcome is None],
            )  # fmt: skip
            for item in batch:
                if item.outcome is None:
                    continue
                if item.outcome.record is not None:
                    item.outcome.record(session)
                _settle_other(session, item.notification_id, item.outcome)
            # One order of conversation locks for every writer: no deadlock between
            # two processes' settlements.
            for item in sorted((s for s in sent if s.offered), key=lambda s: s.user_key):
                dialogue_store.offer_buttons(
                    session=session, channel=self.channel, user_key=item.user_key,
                    buttons=item.offered or [],
                )  # fmt: skip


def _settle_other(session: Any, notification_id: int, outcome: Outcome) -> None:
    if outcome.result is Result.RETRY:
        notifications.retry_later(
            session=session, notification_id=notification_id, error=outcome.error,
            delay=outcome.retry_after,
        )  # fmt: skip
    elif outcome.result is Result.BLOCKED:
        notifications.mark_blocked(session=session, notification_id=notification_id,
                                   error=outcome.error)  # fmt: skip
    elif outcome.result is Result.FAILED:
        notifications.mark_failed(session=session, notification_id=notification_id,
                                  error=outcome.error)  # fmt: skip
