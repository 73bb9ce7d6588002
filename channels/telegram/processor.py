"""Process stored Telegram updates, one at a time, in the order Telegram numbered them.

The webhook and the poller only store updates (channels/telegram/store.py); this
task turns each into engine work through the adapter. A failing update is retried
with backoff and, after its last attempt, becomes a dead letter and the chat gets
an apology; a failure while settling one update never drops the rest of a batch
(its claim comes back when the lease runs out).
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.ext import Application

from channels.telegram import store
from channels.telegram.app import TelegramAdapter, adapter_of
from core.db import transaction
from core.loops import Wakeup, run_workers

log = logging.getLogger(__name__)

PROCESSOR_KEY = "laporin_update_processor"


class UpdateProcessor:
    def __init__(
        self,
        application: Application,
        adapter: TelegramAdapter,
        *,
        database_url: str | None = None,
        idle_seconds: float = 1.0,
        workers: int = 1,
    ) -> None:
        self.application = application
        self.adapter = adapter
        self.database_url = database_url
        self.idle_seconds = idle_seconds
        self.wake = Wakeup()
        self.workers = workers

    def _claim(self) -> list[store.ClaimedUpdate]:
        # One at a time: the other workers take the other chats meanwhile.
        with transaction(self.database_url) as session:
            return store.claim_updates(session=session, limit=1)

    def _finish(self, row_id: int, error: str | None) -> str:
        with transaction(self.database_url) as session:
            if error is None:
                store.finish_update(session=session, row_id=row_id)
                return store.DONE
            return store.retry_update(session=session, row_id=row_id, error=error)

    async def process_due(self) -> int:
        claimed = await asyncio.to_thread(self._claim)
        for item in claimed:
            try:
                await self._process_one(item)
            except Exception:
                log.exception("telegram update row %s: could not be settled", item.id)
        return len(claimed)

    def _album_follows(self, item: store.ClaimedUpdate) -> bool:
        with transaction(self.database_url) as session:
            return store.album_follows(session=session, row_id=item.id, data=item.body)

    async def _process_one(self, item: store.ClaimedUpdate) -> None:
        bot = self.application.bot
        update = Update.de_json(item.body, bot)
        error: str | None = None
        try:
            # A photo of an album whose next photo is stored already: answered by the last.
            more = store.album_of(item.body) is not None and await asyncio.to_thread(
                self._album_follows, item
            )
            await self.adapter.process(update, bot, more_follow=more)
        except Exception as exc:  # kept and retried with backoff, never lost
            log.error("telegram update %s failed: %s", update.update_id, type(exc).__name__,
                      exc_info=exc)  # fmt: skip
            error = f"{type(exc).__name__}: {exc}"
        status = await asyncio.to_thread(self._finish, item.id, error)
        if status == store.FAILED and update.effective_chat is not None:
            await self.adapter.apologise(bot, update.effective_chat.id)

    def _requeue(self) -> int:
        with transaction(self.database_url) as session:
            return store.UPDATES.requeue_claimed(session=session)

    async def run(self, stop: asyncio.Event) -> None:
        """Process until `stop` is set; first take back what a crashed run left half
        done (one process serves a bot token)."""
        requeued = await asyncio.to_thread(self._requeue)
        if requeued:
            log.warning("telegram: %s interrupted updates requeued", requeued)
        await run_workers(
            self.process_due, stop, workers=self.workers, name="telegram",
            idle_seconds=self.idle_seconds, wake=self.wake,
        )  # fmt: skip


def processor_of(
    application: Application,
    *,
    database_url: str | None = None,
) -> UpdateProcessor:
    """The application's one update processor (made on first use), so the webhook can
    wake the processor the workers run."""
    processor = application.bot_data.get(PROCESSOR_KEY)
    if processor is None:
        processor = UpdateProcessor(application, adapter_of(application), database_url=database_url)
        application.bot_data[PROCESSOR_KEY] = processor
    return processor
