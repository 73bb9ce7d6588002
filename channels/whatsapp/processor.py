"""Process stored WhatsApp webhook events: PROCESSOR_WORKERS at a time, each sender's
in the order received.

For each message: mark it read (with a typing indicator) beside the turn, turn it
into an Inbound (downloading photos), run the engine, whose one transaction also
opens the user's 24-hour window and, for a body of one message (what Meta sends),
settles the stored event. For each status: record it on the message we sent; a
notification that failed with 131047 (outside the window) is sent again as the
template.

A message whose id the engine has seen (a redelivery in a new body, or an event
retried after a crash) gets no second answer; a photo's is skipped before anything
is downloaded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from channels.whatsapp import store
from channels.whatsapp.client import REENGAGEMENT, GraphClient, GraphError
from channels.whatsapp.delivery import send_as_template
from channels.whatsapp.inbound import (
    CHANNEL,
    MEDIA_TYPES,
    IncomingMessage,
    IncomingStatus,
    parse_body,
    to_inbound,
)
from channels.whatsapp.sender import Sender
from core.db import transaction
from core.loops import run_dispatcher
from core.settings import Settings
from dialogue import store as dialogue_store
from dialogue.delivery import Delivery, FindDelivery, TurnHook
from dialogue.engine import DialogueEngine
from dialogue.messages import Inbound, Outbound

log = logging.getLogger(__name__)

SEND_ATTEMPTS = 3
# Events claimed per worker (core/loops.py run_dispatcher): under load a claim
# takes several, not one per turn.
PREFETCH = 4


class EventProcessor:
    def __init__(
        self,
        *,
        engine: DialogueEngine,
        client: GraphClient,
        sender: Sender,
        settings: Settings,
        find_delivery: FindDelivery | None = None,
        idle_seconds: float = 1.0,
    ) -> None:
        self.engine = engine
        self.client = client
        self.sender = sender
        self.settings = settings
        self.database_url = settings.database_url
        self.download_dir = Path(settings.media_dir) / "incoming"
        self.idle_seconds = idle_seconds
        # The outbox's look-up, given by the composition root (bot/): without it a
        # notification refused outside the window is not resent as the template.
        self.find_delivery = find_delivery
        # Called after a turn whose replies the engine queued (wired to the outbox).
        self.replies_queued: Callable[[], None] | None = None
        self.apology = engine.render("utter_maaf_gangguan")
        self.wake = asyncio.Event()
        self.workers = settings.processor_workers
        # False when several processes share the queue: their leases take back claims.
        self.requeue_at_start = True
        self._courtesies: set[asyncio.Task[None]] = set()

    # --- database steps (run in a worker thread) ---------------------------------------

    def _claim(self, limit: int) -> list[store.ClaimedEvent]:
        # At most one per sender (the queue is ordered by conversation).
        with transaction(self.database_url) as session:
            return store.claim_events(session=session, limit=limit)

    def _finish(self, event_id: int, error: str | None, *, permanent: bool = False) -> str:
        with transaction(self.database_url) as session:
            if error is None:
                store.finish_event(session=session, event_id=event_id)
                return store.DONE
            if permanent:
                store.fail_event(session=session, event_id=event_id, error=error)
                return store.FAILED
            return store.retry_event(session=session, event_id=event_id, error=error)

    def _was_processed(self, message: IncomingMessage) -> bool:
        with transaction(self.database_url) as session:
            return dialogue_store.was_processed(
                session=session, channel=CHANNEL, update_id=message.message_id
            )

    def _note_inbound(self, message: IncomingMessage) -> None:
        """Open the user's window (a message that gets no turn: a reaction)."""
        with transaction(self.database_url) as session:
            store.record_inbound(session=session, wa_id=message.wa_id, at=message.sent_at)

    def _turn_hook(self, message: IncomingMessage, settles: int | None, ran: list[int]) -> TurnHook:
        """What the turn's transaction also does: open the window, settle the event."""

        def on_turn(session: Session, inbound: Inbound) -> None:
            store.record_inbound(session=session, wa_id=message.wa_id, at=message.sent_at)
            if settles is not None:
                store.finish_event(session=session, event_id=settles)
            ran.append(1)

        return on_turn

    def _status(self, status: IncomingStatus) -> int | None:
        """Record the status; the id of the notification to resend as a template, if any."""
        with transaction(self.database_url) as session:
            change = store.apply_status(
                session=session, wamid=status.message_id, status=status.status, at=status.at,
                error_code=status.error_code, error_title=status.error_title,
            )  # fmt: skip
            if (
                change is None
                or change.error_code != REENGAGEMENT
                or change.notification_id is None
                or change.kind == "template"
            ):
                return None
            return change.notification_id

    # --- one event ----------------------------------------------------------------------

    async def _reply(self, wa_id: str, replies: list[Outbound]) -> None:
        for reply in replies:
            for attempt in range(1, SEND_ATTEMPTS + 1):
                try:
                    await self.sender.send(wa_id, reply)
                    break
                except GraphError as error:
                    if not error.transient or attempt == SEND_ATTEMPTS:
                        log.error("whatsapp reply not sent: %s", error)
                        return
                    await asyncio.sleep(attempt)

    def _photo_follows(self, event_id: int, wa_id: str) -> bool:
        with transaction(self.database_url) as session:
            return store.photo_follows(session=session, event_id=event_id, wa_id=wa_id)

    async def _more_follow(
        self, message: IncomingMessage, rest: list[IncomingMessage | IncomingStatus],
        event_id: int | None,
    ) -> bool:  # fmt: skip
        """Another photo of the sender is already here, after this one (in the same
        body, else as the next stored event): WhatsApp has no album id, so photos sent
        one right after the other count as one album (see ALBUM_WAIT_SECONDS)."""
        if message.type not in MEDIA_TYPES:
            return False
        following = [m for m in rest if isinstance(m, IncomingMessage) and m.wa_id == message.wa_id]
        if following:
            return following[0].type in MEDIA_TYPES
        if event_id is None:
            return False
        return await asyncio.to_thread(self._photo_follows, event_id, message.wa_id)

    def _mark_read(self, message_id: str) -> None:
        """Blue ticks and "typing...", sent beside the turn: the answer never waits for
        them (Meta answers in about the time the turn takes)."""
        task = asyncio.create_task(self._read_receipt(message_id))
        self._courtesies.add(task)
        task.add_done_callback(self._courtesies.discard)

    async def _read_receipt(self, message_id: str) -> None:
        with contextlib.suppress(GraphError):  # only a courtesy
            await self.client.mark_read(message_id)

    async def handle_message(
        self, message: IncomingMessage, *, more_follow: bool = False, settles: int | None = None
    ) -> bool:
        """One message through the engine. `settles`: the stored event the turn's
        transaction finishes; True when it did (the event needs no settling of its own)."""
        if message.type in MEDIA_TYPES and await asyncio.to_thread(self._was_processed, message):
            log.info("whatsapp message %s was processed before; ignored", message.message_id)
            return False
        self._mark_read(message.message_id)
        inbound = await to_inbound(message, self.client, download_dir=self.download_dir)
        if inbound is None:
            await asyncio.to_thread(self._note_inbound, message)
            return False
        if inbound.photo is not None and more_follow:
            inbound = replace(inbound, more_follow=True)
        ran: list[int] = []
        try:
            replies = await asyncio.to_thread(
                self.engine.handle, inbound, on_turn=self._turn_hook(message, settles, ran)
            )
        finally:
            if inbound.photo is not None:
                Path(inbound.photo.path).unlink(missing_ok=True)
        await self._reply(message.wa_id, replies)
        if self.replies_queued is not None:
            self.replies_queued()
        return bool(ran) and settles is not None

    async def handle_status(self, status: IncomingStatus) -> None:
        notification_id = await asyncio.to_thread(self._status, status)
        if notification_id is None or self.find_delivery is None:
            return
        resend: Delivery | None = await asyncio.to_thread(self.find_delivery, notification_id)
        if resend is not None:
            outcome = await send_as_template(self.sender, resend, self.settings)
            log.info("notification %s: template after 131047: %s",
                     resend.notification_id, outcome.result.value)  # fmt: skip

    async def process(self, body: dict[str, Any], event_id: int | None = None) -> bool:
        """Every item of a webhook body; True when a turn settled event `event_id`
        (a body of one message)."""
        items = parse_body(body, phone_number_id=self.client.phone_number_id)
        alone = event_id if len(items) == 1 else None
        settled = False
        for i, item in enumerate(items):
            if isinstance(item, IncomingStatus):
                await self.handle_status(item)
            else:
                more = await self._more_follow(item, items[i + 1 :], event_id)
                settled = await self.handle_message(item, more_follow=more, settles=alone)
        return settled

    async def process_due(self) -> int:
        """Process one batch of stored events side by side; returns how many were
        attempted."""
        claimed = await asyncio.to_thread(self._claim, self.workers)
        await asyncio.gather(*(self._process_one(event) for event in claimed))
        return len(claimed)

    async def _process_one(self, event: store.ClaimedEvent) -> None:
        """Each event is settled on its own: one that fails, or whose settling fails (the
        database went away), never touches the others; an unsettled claim is taken
        again when its lease runs out."""
        try:
            await self._process(event)
        except Exception:
            log.exception("whatsapp event %s: could not be settled", event.id)

    async def _process(self, event: store.ClaimedEvent) -> None:
        if not isinstance(event.body, dict):  # stored before bodies were checked
            await asyncio.to_thread(self._finish, event.id, "not a JSON object", permanent=True)
            return
        error: str | None = None
        try:
            if await self.process(event.body, event.id):
                return  # settled by the turn
        except Exception as exc:  # kept and retried with backoff, never lost
            log.exception("whatsapp event %s failed", event.id)
            error = f"{type(exc).__name__}: {exc}"
        status = await asyncio.to_thread(self._finish, event.id, error)
        if status == store.FAILED:
            await self._apologise(event.body)

    async def _claim_due(self, room: int) -> list[store.ClaimedEvent]:
        return await asyncio.to_thread(self._claim, room)

    async def _apologise(self, body: dict[str, Any]) -> None:
        """An event that keeps failing: tell its senders, once, that something broke."""
        senders = {
            item.wa_id
            for item in parse_body(body, phone_number_id=self.client.phone_number_id)
            if isinstance(item, IncomingMessage)
        }
        for wa_id in senders:
            with contextlib.suppress(GraphError):
                await self.sender.send(wa_id, self.apology)

    def _requeue(self) -> int:
        with transaction(self.database_url) as session:
            return store.requeue_interrupted(session=session)

    async def run(self, stop: asyncio.Event) -> None:
        """Process until `stop` is set, PROCESSOR_WORKERS events at a time. One process
        per WhatsApp number takes over, at start, the events a crashed run left half
        done (several processes leave that to the leases)."""
        if self.requeue_at_start:
            requeued = await asyncio.to_thread(self._requeue)
            if requeued:
                log.warning("whatsapp: %s interrupted events requeued", requeued)
        await run_dispatcher(
            self._claim_due, self._process_one, stop, concurrency=self.workers,
            name="whatsapp", idle_seconds=self.idle_seconds, wake=self.wake, prefetch=PREFETCH,
        )  # fmt: skip
        if self._courtesies:
            await asyncio.gather(*self._courtesies, return_exceptions=True)
