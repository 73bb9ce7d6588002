"""Process stored Telegram updates: PROCESSOR_WORKERS at a time, each chat's in the
order Telegram numbered them.

The webhook and the poller only store updates (channels/telegram/store.py); this
task turns each into engine work through the adapter, and the engine's transaction
settles the update with the turn. A failing update is retried with backoff and,
after its last attempt, becomes a dead letter and the chat gets an apology; a
failure while settling one update never touches the others (its claim comes back
when the lease runs out).
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.orm import Session
from telegram import Update
from telegram.ext import Application

from channels.telegram import store
from channels.telegram.app import TelegramAdapter, adapter_of
from core.db import transaction
from core.loops import run_dispatcher
from core.settings import get_settings
from dialogue.delivery import TurnHook
from dialogue.messages import Inbound

log = logging.getLogger(__name__)

PROCESSOR_KEY = "laporin_update_processor"
# Updates claimed per worker (core/loops.py run_dispatcher): under load a claim
# takes several, not one per turn.
PREFETCH = 4


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
        self.wake = asyncio.Event()
        self.workers = workers
        # False when several processes share the queue: their leases take back claims.
        self.requeue_at_start = True

    def _claim(self, limit: int) -> list[store.ClaimedUpdate]:
        # At most one per chat (the queue is ordered by conversation).
        with transaction(self.database_url) as session:
            return store.claim_updates(session=session, limit=limit)

    def _finish(self, row_id: int, error: str | None) -> str:
        with transaction(self.database_url) as session:
            if error is None:
                store.finish_update(session=session, row_id=row_id)
                return store.DONE
            return store.retry_update(session=session, row_id=row_id, error=error)

    async def process_due(self) -> int:
        """One batch of stored updates side by side; returns how many were attempted."""
        claimed = await asyncio.to_thread(self._claim, self.workers)
        await asyncio.gather(*(self._process_guarded(item) for item in claimed))
        return len(claimed)

    async def _claim_due(self, room: int) -> list[store.ClaimedUpdate]:
        return await asyncio.to_thread(self._claim, room)

    async def _process_guarded(self, item: store.ClaimedUpdate) -> None:
        try:
            await self._process_one(item)
        except Exception:
            log.exception("telegram update row %s: could not be settled", item.id)

    @staticmethod
    def _settles(row_id: int, ran: list[int]) -> TurnHook:
        def on_turn(session: Session, inbound: Inbound) -> None:
            store.finish_update(session=session, row_id=row_id)
            ran.append(1)

        return on_turn

    def _album_follows(self, item: store.ClaimedUpdate) -> bool:
        with transaction(self.database_url) as session:
            return store.album_follows(session=session, row_id=item.id, data=item.body)

    async def _process_one(self, item: store.ClaimedUpdate) -> None:
        bot = self.application.bot
        update = Update.de_json(item.body, bot)
        error: str | None = None
        ran: list[int] = []
        try:
            # A photo of an album whose next photo is stored already: answered by the last.
            more = store.album_of(item.body) is not None and await asyncio.to_thread(
                self._album_follows, item
            )
            await self.adapter.process(
                update, bot, more_follow=more, on_turn=self._settles(item.id, ran)
            )
            if ran:
                return  # the turn's transaction settled the update
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
        done (one process serving a bot token; several leave it to the leases)."""
        if self.requeue_at_start:
            requeued = await asyncio.to_thread(self._requeue)
            if requeued:
                log.warning("telegram: %s interrupted updates requeued", requeued)
        await run_dispatcher(
            self._claim_due, self._process_guarded, stop, concurrency=self.workers,
            name="telegram", idle_seconds=self.idle_seconds, wake=self.wake, prefetch=PREFETCH,
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
        processor = UpdateProcessor(
            application, adapter_of(application), database_url=database_url,
            workers=get_settings().processor_workers,
        )  # fmt: skip
        application.bot_data[PROCESSOR_KEY] = processor
    return processor
