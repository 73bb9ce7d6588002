"""Channel worker for the notification outbox (tickets.notifications).

Channel-agnostic: it claims due notifications of one channel, renders each from
the domain (domain/), hands it to the channel's ``deliver`` function and records the
outcome (sent, retry later, user blocked the bot, failed for good). Messages to
the same chat are spaced by ``per_chat_interval`` seconds; the channel's own rate
limiter (PTB's AIORateLimiter for Telegram) keeps the overall rate.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from channels.console import CHANNEL as CONSOLE_CHANNEL
from core.db import transaction
from core.loops import run_until_stopped
from core.settings import get_settings
from dialogue import store as dialogue_store
from dialogue.delivery import Deliver, Delivery, FindDelivery, Outcome, Result
from dialogue.engine import DialogueEngine
from dialogue.messages import Button, Outbound, Venue
from tickets import notifications
from tickets.models import Notification
from tickets.notifications import Extras, Pin

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Claimed:
    id: int
    user_key: str
    response: str
    variables: dict[str, Any]
    extras: Extras
    reply: dict[str, Any] | None = None


def _extras(row: Notification) -> Extras:
    """The notification row's buttons, photo and map pin (staff alerts)."""
    pin = None
    if row.venue_latitude is not None and row.venue_longitude is not None:
        pin = Pin(row.venue_latitude, row.venue_longitude, row.venue_title or "",
                  row.venue_address or "")  # fmt: skip
    return Extras(list(row.buttons or ()), row.attachment_path, pin)


def _attach(outbound: Outbound, extras: Extras) -> None:
    """Buttons, photo and map pin that staff alerts carry beside the text."""
    if extras.buttons:
        outbound.buttons = [Button(b["title"], b["payload"]) for b in extras.buttons]
    if extras.attachment_path:
        outbound.image_path = str(Path(get_settings().media_dir) / extras.attachment_path)
    if extras.venue:
        pin = extras.venue
        outbound.venue = Venue(pin.latitude, pin.longitude, pin.title, pin.address)


class OutboxWorker:
    def __init__(
        self,
        *,
        channel: str,
        engine: DialogueEngine,
        deliver: Deliver,
        batch: int = 50,
        idle_seconds: float = 1.0,
        per_chat_interval: float = 1.0,
        database_url: str | None = None,
        user_key: str | None = None,
    ) -> None:
        """`user_key`: deliver only that user's notifications (the console chat)."""
        self.channel = channel
        self.user_key = user_key
        self.engine = engine
        self.deliver = deliver
        self.batch = batch
        self.idle_seconds = idle_seconds
        self.per_chat_interval = per_chat_interval
        self.database_url = database_url
        self._last_sent: dict[str, float] = {}
        # Set when replies were queued: deliver now, not at the next poll.
        self.wake = asyncio.Event()

    def _claim(self) -> list[_Claimed]:
        # One row per claim: a row is "sending" only while it is being sent, so a
        # crash leaves the rest of the queue pending, to be delivered after restart.
        with transaction(self.database_url) as session:
            rows = notifications.claim_due(
                session=session, channel=self.channel, limit=1, user_key=self.user_key
            )
            return [
                _Claimed(r.id, r.user_key, r.response, dict(r.variables), _extras(r), r.reply)
                for r in rows
            ]

    def _settle(
        self, notification_id: int, outcome: Outcome, offered: tuple[str, list[Any]] | None = None
    ) -> None:
        """`offered`: (user key, buttons) of ticket news that asked for a choice."""
        with transaction(self.database_url) as session:
            if outcome.result is Result.SENT:
                notifications.mark_sent(session=session, notification_id=notification_id)
                if offered is not None:
                    dialogue_store.offer_buttons(
                        session=session, channel=self.channel, user_key=offered[0],
                        buttons=offered[1],
                    )  # fmt: skip
            elif outcome.result is Result.RETRY:
                notifications.retry_later(
                    session=session,
                    notification_id=notification_id,
                    error=outcome.error,
                    delay=outcome.retry_after,
                )
            elif outcome.result is Result.BLOCKED:
                notifications.mark_blocked(
                    session=session, notification_id=notification_id, error=outcome.error
                )
            else:
                notifications.mark_failed(
                    session=session, notification_id=notification_id, error=outcome.error
                )

    async def _pace(self, user_key: str) -> None:
        last = self._last_sent.get(user_key)
        if last is not None:
            wait = self.per_chat_interval - (time.monotonic() - last)
            if wait > 0:
                await asyncio.sleep(wait)
        self._last_sent[user_key] = time.monotonic()

    async def deliver_due(self) -> int:
        """Deliver up to `batch` notifications; returns how many were attempted."""
        attempted = 0
        while attempted < self.batch:
            claimed = await asyncio.to_thread(self._claim)
            if not claimed:
                break
            attempted += 1
            await self._deliver_one(claimed[0])
        return attempted

    async def _deliver_one(self, item: _Claimed) -> None:
        offered: tuple[str, list[Any]] | None = None
        try:
            if item.reply is not None:
                outbound = Outbound.from_dict(item.reply)
            else:
                outbound = self.engine.render(item.response, **item.variables)
                _attach(outbound, item.extras)
                if outbound.buttons and not item.extras.buttons:
                    # Ticket news with choices (rate it, "Belum beres"): a typed "5"
                    # answers it too; staff alerts' buttons are no conversation's.
                    offered = (item.user_key, [b.to_dict() for b in outbound.buttons])
        except KeyError as error:
            outcome = Outcome(Result.FAILED, f"unknown response: {error}")
        else:
            if item.reply is None:  # replies answer the citizen at once
                await self._pace(item.user_key)
            try:
                outcome = await self.deliver(
                    Delivery(item.id, item.user_key, outbound, item.response, item.variables)
                )
            except Exception as error:  # never lose the row: retry later
                log.exception("notification %s: delivery crashed", item.id)
                outcome = Outcome(Result.RETRY, type(error).__name__)
        if outcome.result is not Result.SENT:
            log.warning("notification %s: %s %s", item.id, outcome.result.value, outcome.error)
        await asyncio.to_thread(self._settle, item.id, outcome, offered)

    def _requeue(self) -> int:
        with transaction(self.database_url) as session:
            return notifications.requeue_sending(session=session, channel=self.channel)

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set; first take back what a crashed run was sending."""
        requeued = await asyncio.to_thread(self._requeue)
        if requeued:
            log.warning("outbox %s: %s interrupted sends queued again", self.channel, requeued)
        await run_until_stopped(
            self.deliver_due, stop, name=f"outbox {self.channel}",
            idle_seconds=self.idle_seconds, wake=self.wake,
        )  # fmt: skip


def delivery_finder(engine: DialogueEngine, database_url: str | None = None) -> FindDelivery:
    """Look up one queued notification by id and render it again, as ``deliver_due``
    would (a channel resends it in another form, e.g. WhatsApp's template)."""

    def find(notification_id: int) -> Delivery | None:
        with transaction(database_url) as session:
            row = session.get(Notification, notification_id)
            if row is None or row.reply is not None:  # a reply has no other form
                return None
            claimed = _Claimed(row.id, row.user_key, row.response, dict(row.variables), Extras())
        # Text only: the other form carries no buttons or attachments.
        outbound = engine.render(claimed.response, **claimed.variables)
        return Delivery(claimed.id, claimed.user_key, outbound, claimed.response, claimed.variables)

    return find


def console_news(engine: DialogueEngine, user_key: str) -> Callable[[], list[Outbound]]:
    """What the outbox holds for the console's one citizen (ticket news, staff answers),
    delivered by the same worker as on the other channels; the console shows it
    before its next prompt."""
    collected: list[Outbound] = []

    async def deliver(delivery: Delivery) -> Outcome:
        collected.append(delivery.message)
        return Outcome(Result.SENT)

    worker = OutboxWorker(
        channel=CONSOLE_CHANNEL, engine=engine, deliver=deliver, per_chat_interval=0,
        user_key=user_key,
    )  # fmt: skip

    def news() -> list[Outbound]:
        asyncio.run(worker.deliver_due())
        delivered = list(collected)
        collected.clear()
        return delivered

    return news
