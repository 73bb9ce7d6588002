"""Channel worker for the notification outbox (tickets.notifications).

Channel-agnostic: it claims due notifications of one channel, renders each from
the domain (domain/), hands it to the channel's ``deliver`` function and records the
outcome (sent, retry later, user blocked the bot, failed for good).

Sends go out side by side: up to OUTBOX_CONCURRENCY chats at once, each chat's
messages in order (a claim takes a chat's first waiting row with the due rows after
it; the chat's later rows wait until these are settled). Conversation replies come
first: ticket news and staff alerts hold at most a quarter of the slots, so a
citizen's answer never waits behind other people's news. One transaction claims for
many chats, and one settles every outcome that came in meanwhile (settlement.py).
The platforms' rate limits, overall and per chat, are the channel's (PTB's rate
limiter for Telegram, channels/whatsapp/limits.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.settlement import Settled, Settlement
from channels.console import CHANNEL as CONSOLE_CHANNEL
from core.db import transaction
from core.loops import run_dispatcher
from core.settings import get_settings
from core.timestamps import utcnow
from dialogue.delivery import Deliver, Delivery, FindDelivery, Outcome, Result
from dialogue.engine import DialogueEngine
from dialogue.messages import Button, Outbound, Venue
from tickets import notifications
from tickets.models import Notification
from tickets.notifications import Extras, Pin

log = logging.getLogger(__name__)

# The share of the slots ticket news and staff alerts may hold.
NEWS_SHARE = 4
# Claims at most this often under load: the replies of the turns that end meanwhile
# share one claim (a transaction); a reply waits up to this long for it.
GATHER_SECONDS = 0.05


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


def _claimed(rows: list[Notification]) -> list[_Claimed]:
    return [
        _Claimed(r.id, r.user_key, r.response, dict(r.variables), _extras(r), r.reply) for r in rows
    ]


class OutboxWorker:
    def __init__(
        self,
        *,
        channel: str,
        engine: DialogueEngine,
        deliver: Deliver,
        concurrency: int | None = None,
        batch: int = 50,
        idle_seconds: float = 1.0,
        database_url: str | None = None,
        user_key: str | None = None,
        requeue_at_start: bool = True,
    ) -> None:
        """`user_key`: deliver only that user's notifications (the console chat).
        `requeue_at_start`: take back what a crashed run was sending when `run` starts
        (not when several processes share the queue: their leases do it)."""
        self.channel = channel
        self.user_key = user_key
        self.engine = engine
        self.deliver = deliver
        self.concurrency = concurrency or get_settings().outbox_concurrency
        self.news_slots = max(1, self.concurrency // NEWS_SHARE)
        self.batch = batch
        self.idle_seconds = idle_seconds
        self.database_url = database_url
        self.requeue_at_start = requeue_at_start
        self._sending: dict[str, bool] = {}  # chats in flight -> is it news
        # Set to deliver now, not at the next poll (`poke`).
        self.wake = asyncio.Event()
        # New rows came while chats were in flight, or the last claim filled its room:
        # claim again once outcomes are settled (a chat's next rows wait for that).
        self._missed = False
        self.settlement = Settlement(self.channel, self.database_url, on_settled=self._settled)

    def poke(self) -> None:
        """Replies (or news) were queued: deliver them now."""
        if self._sending:
            self._missed = True
        self.wake.set()

    def _settled(self) -> None:
        if self._missed:
            self.wake.set()

    # --- claiming ------------------------------------------------------------------

    def _claim(self, room: int, news_room: int) -> list[tuple[list[_Claimed], bool]]:
        """Up to `room` chats, replies first, at most `news_room` starting with news."""
        with transaction(self.database_url) as session:
            runs = notifications.claim_chats(
                session=session, channel=self.channel, chats=room, news=news_room,
                user_key=self.user_key,
            )  # fmt: skip
            return [(_claimed(run), run[0].reply is None) for run in runs]

    async def _claim_chats(self, room: int) -> list[tuple[list[_Claimed], bool]]:
        news_room = self.news_slots - sum(self._sending.values())
        # Rows of chats in flight are not claimed now: they wait for the settlement.
        self._missed = bool(self._sending)
        claimed = await asyncio.to_thread(self._claim, room, news_room)
        if len(claimed) >= room:
            self._missed = True
        for chat, is_news in claimed:
            self._sending[chat[0].user_key] = is_news
        return claimed

    # --- sending -------------------------------------------------------------------

    async def _send_chat(self, job: tuple[list[_Claimed], bool]) -> None:
        """One chat's rows, in order. After a row to retry later, the rest go back to
        the queue behind it; after "blocked", the settlement stops them all."""
        rows = job[0]
        try:
            for i, row in enumerate(rows):
                settled = await self._deliver_one(row)
                self.settlement.add(settled)
                result = settled.outcome.result if settled.outcome else None
                if result is Result.BLOCKED:
                    break
                if result is Result.RETRY:
                    for later in rows[i + 1 :]:
                        self.settlement.add(Settled(later.id, later.user_key, None))
                    break
        finally:
            del self._sending[rows[0].user_key]

    async def _deliver_one(self, item: _Claimed) -> Settled:
        offered: list[Any] | None = None
        try:
            if item.reply is not None:
                outbound = Outbound.from_dict(item.reply)
            else:
                outbound = self.engine.render(item.response, **item.variables)
                _attach(outbound, item.extras)
                if outbound.buttons and not item.extras.buttons:
                    # Ticket news with choices (rate it, "Belum beres"): a typed "5"
                    # answers it too; staff alerts' buttons are no conversation's.
                    offered = [b.to_dict() for b in outbound.buttons]
        except KeyError as error:
            outcome = Outcome(Result.FAILED, f"unknown response: {error}")
        else:
            try:
                outcome = await self.deliver(
                    Delivery(item.id, item.user_key, outbound, item.response, item.variables)
                )
            except Exception as error:  # never lose the row: retry later
                log.exception("notification %s: delivery crashed", item.id)
                outcome = Outcome(Result.RETRY, type(error).__name__)
        if outcome.result is not Result.SENT:
            log.warning("notification %s: %s %s", item.id, outcome.result.value, outcome.error)
        return Settled(item.id, item.user_key, outcome, offered, utcnow())

    async def deliver_due(self) -> int:
        """Deliver what is due now, up to `batch` chats, and settle it; returns how
        many notifications were attempted (the console chat, tests)."""
        attempted = self.settlement.added
        chats = await self._claim_chats(min(self.batch, self.concurrency))
        await asyncio.gather(*(self._send_chat(chat) for chat in chats))
        await self.settlement.drain()
        return self.settlement.added - attempted

    # --- the worker ----------------------------------------------------------------

    def _requeue(self) -> int:
        with transaction(self.database_url) as session:
            return notifications.requeue_sending(session=session, channel=self.channel)

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set; first take back what a crashed run was sending.
        At the end, what is being sent is finished and settled."""
        if self.requeue_at_start:
            requeued = await asyncio.to_thread(self._requeue)
            if requeued:
                log.warning("outbox %s: %s interrupted sends queued again", self.channel,
                            requeued)  # fmt: skip
        await run_dispatcher(
            self._claim_chats, self._send_chat, stop, concurrency=self.concurrency,
            name=f"outbox {self.channel}", idle_seconds=self.idle_seconds, wake=self.wake,
            gather_seconds=GATHER_SECONDS,
        )  # fmt: skip
        await self.settlement.drain()


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

    def news() -> list[Outbound]:
        # A worker per call: its events belong to the event loop of this call.
        worker = OutboxWorker(channel=CONSOLE_CHANNEL, engine=engine, deliver=deliver,
                              user_key=user_key)  # fmt: skip
        asyncio.run(worker.deliver_due())
        delivered = list(collected)
        collected.clear()
        return delivered

    return news
