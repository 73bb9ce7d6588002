"""Long polling that stores before it confirms: getUpdates, store every update, and
only then ask for the next ones (which confirms these to Telegram). A crash or a
database outage in between means Telegram sends the same updates again, and the
store recognises them by update_id."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from telegram import Update
from telegram.ext import Application

from channels.telegram import store
from channels.telegram.processor import processor_of
from core.db import transaction

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
# How long to wait before asking again after an error, at most.
MAX_PAUSE = 30.0


class Poller:
    def __init__(
        self,
        application: Application,
        *,
        timeout: int = 10,
        interval: float = 0.0,
        database_url: str | None = None,
    ) -> None:
        self.application = application
        self.timeout = timeout
        self.interval = interval
        self.database_url = database_url
        self.offset: int | None = None

    def _store(self, updates: Sequence[Update]) -> int:
        with transaction(self.database_url) as session:
            stored = [store.record_update(session=session, data=u.to_dict()) for u in updates]
        return sum(1 for row in stored if row is not None)

    async def poll_once(self) -> int:
        """One getUpdates; returns how many updates were stored. Raises when Telegram
        or the database fails (nothing is confirmed then)."""
        updates = await self.application.bot.get_updates(
            offset=self.offset, timeout=self.timeout, allowed_updates=ALLOWED_UPDATES
        )
        if not updates:
            return 0
        stored = await asyncio.to_thread(self._store, updates)
        self.offset = max(u.update_id for u in updates) + 1  # confirmed by the next call
        if stored:
            processor_of(self.application, database_url=self.database_url).wake.set()
        return stored

    async def _poll_or_stop(self, stop: asyncio.Event) -> bool:
        """One poll, cut short by `stop` (a long poll may wait `timeout` seconds);
        False when stopped."""
        poll = asyncio.ensure_future(self.poll_once())
        stopped = asyncio.ensure_future(stop.wait())
        await asyncio.wait({poll, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if not poll.done():
            poll.cancel()  # nothing confirmed: Telegram sends these again
            with contextlib.suppress(asyncio.CancelledError):
                await poll
            return False
        poll.result()  # raises what the poll raised
        return True

    async def run(self, stop: asyncio.Event) -> None:
        webhook_deleted = False
        pause = 0.0
        while not stop.is_set():
            try:
                if not webhook_deleted:
                    # getUpdates refuses to work while a webhook is set (PTB does the same).
                    webhook_deleted = await self.application.bot.delete_webhook()
                if not await self._poll_or_stop(stop):
                    return
                pause = 0.0
            except Exception as error:  # Telegram or the database: never stop polling
                pause = min(MAX_PAUSE, max(1.0, pause * 2))
                log.warning("telegram polling: %s; again in %.0f s", type(error).__name__, pause)
            wait = pause or self.interval
            if wait:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=wait)
