"""Which background tasks run in a bot process, decided in one place.

- every Telegram or WhatsApp channel the process serves: its outbox worker
  (ticket notifications and staff alerts to that channel's chats) and its
  processor (stored updates or webhook events -> engine -> replies);
- Telegram in polling mode: the poller (getUpdates, store, then confirm);
- once per process: the SLA sweep with the leaders' digest.

Polling mode (`python -m bot telegram`) runs them, with the poller, until a
signal (`run_telegram_polling`); the ASGI app (`python -m bot serve`) runs them
in its lifespan. Telegram updates and WhatsApp events are stored before they
are acknowledged, and these tasks process them from the database.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from bot.outbox import OutboxWorker, delivery_finder
from core.clock import Clock, system_clock
from core.db import transaction
from core.loops import run_until_stopped
from core.settings import Settings, get_settings
from tickets.deadlines import service_levels
from tickets.escalation import sweep_and_digest

if TYPE_CHECKING:
    from telegram.ext import Application

    from channels.whatsapp.app import WhatsAppChannel

log = logging.getLogger(__name__)

Task = Callable[[asyncio.Event], Coroutine[Any, Any, None]]
SWITCH_INTERVAL = 0.001


def sweep_once(clock: Clock = system_clock, database_url: str | None = None) -> int:
    """One SLA round: record new breaches and queue supervisor messages, then queue
    the leaders' digest for yesterday (once per leader and day, whatever the number
    of rounds or processes). Returns the number of new breaches."""
    with transaction(database_url) as session:
        result, _ = sweep_and_digest(session=session, now=clock())
    if result.recorded:
        log.info("SLA sweep: %d new breach(es)", len(result.recorded))
    return len(result.recorded)


async def sla_sweeps(stop: asyncio.Event, clock: Clock = system_clock) -> None:
    async def step() -> int:
        return await asyncio.to_thread(sweep_once, clock)

    interval = service_levels().sweep_every.total_seconds()
    await run_until_stopped(step, stop, name="SLA sweep", idle_seconds=interval, always_pause=True)


def telegram_tasks(
    application: Application, *, polling: bool = False, settings: Settings | None = None
) -> list[Task]:
    """The stored-update processor and the outbox; with `polling`, also the poller
    (webhook mode stores updates in the ASGI route instead)."""
    from channels.telegram.app import adapter_of
    from channels.telegram.delivery import telegram_deliver
    from channels.telegram.inbound import CHANNEL
    from channels.telegram.poller import Poller
    from channels.telegram.processor import processor_of

    settings = settings or get_settings()
    alone = settings.serve_processes == 1
    adapter = adapter_of(application)
    outbox = OutboxWorker(
        channel=CHANNEL,
        engine=adapter.engine,
        deliver=telegram_deliver(application.bot, adapter.labels),
        requeue_at_start=alone,
    )
    adapter.replies_queued = outbox.poke
    processor = processor_of(application)
    processor.requeue_at_start = alone
    tasks: list[Task] = [processor.run, outbox.run]
    if polling:
        poller = Poller(
            application,
            timeout=settings.telegram_poll_timeout,
            interval=settings.telegram_poll_interval,
        )
        tasks.append(poller.run)
    return tasks


def whatsapp_tasks(channel: WhatsAppChannel) -> list[Task]:
    database_url = channel.settings.database_url
    alone = channel.settings.serve_processes == 1
    outbox = OutboxWorker(
        channel=channel.channel,
        engine=channel.engine,
        deliver=channel.deliver,
        idle_seconds=channel.idle_seconds,
        database_url=database_url,
        requeue_at_start=alone,
    )
    channel.processor.requeue_at_start = alone
    channel.processor.replies_queued = outbox.poke
    if channel.processor.find_delivery is None:
        channel.processor.find_delivery = delivery_finder(channel.engine, database_url)
    return [channel.processor.run, outbox.run]


def requeue_interrupted(database_url: str | None = None) -> dict[str, int]:
    """What a crashed run left claimed, in every queue, back to the queue: before
    `bot serve --workers N` starts its processes (none of them may do it then)."""
    from channels.telegram.store import UPDATES
    from channels.whatsapp.store import EVENTS
    from tickets.notifications import OUTBOX

    with transaction(database_url) as session:
        return {
            name: queue.requeue_claimed(session=session)
            for name, queue in (("telegram", UPDATES), ("whatsapp", EVENTS), ("outbox", OUTBOX))
        }


def plan(
    *,
    telegram: Application | None = None,
    whatsapp: WhatsAppChannel | None = None,
    telegram_polling: bool = False,
    settings: Settings | None = None,
) -> list[Task]:
    """The tasks of a process serving these channels."""
    tasks: list[Task] = []
    if telegram is not None:
        tasks += telegram_tasks(telegram, polling=telegram_polling, settings=settings)
    if whatsapp is not None:
        tasks += whatsapp_tasks(whatsapp)
    if tasks:  # a process serving no channel (only /healthz) sweeps nothing
        tasks.append(sla_sweeps)
    return tasks


class Workers:
    """Runs a plan's tasks until stopped."""

    def __init__(self, tasks: Sequence[Task]) -> None:
        self.tasks = list(tasks)
        self._stop = asyncio.Event()
        self._running: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        if self.tasks:
            # The turns are CPU-bound threads: hand the interpreter lock over every
            # millisecond (not 5), so the event loop (webhooks answered, sends) does not
            # wait behind them.
            sys.setswitchinterval(SWITCH_INTERVAL)
            # The turns and every database step run in threads (asyncio.to_thread): as
            # many as the pool has connections, and a few for what holds none.
            threads = get_settings().database_pool_size + 8
            asyncio.get_running_loop().set_default_executor(
                ThreadPoolExecutor(max_workers=threads, thread_name_prefix="laporin")
            )
        self._stop.clear()
        self._running = [asyncio.create_task(task(self._stop)) for task in self.tasks]

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._running)
        self._running = []


async def run_telegram_polling(
    application: Application, stop: asyncio.Event, *, settings: Settings | None = None
) -> None:
    """`python -m bot telegram`: the bot, its poller and the other tasks until `stop`."""
    from channels.telegram.app import set_commands

    async with application:
        await set_commands(application)
        workers = Workers(plan(telegram=application, telegram_polling=True, settings=settings))
        await workers.start()
        try:
            await stop.wait()
        finally:
            await workers.stop()
