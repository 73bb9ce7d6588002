"""The WhatsApp channel as the ASGI app runs it: the webhook stores events, and
background tasks process them and deliver ticket notifications."""

from __future__ import annotations

import asyncio

import httpx

from bot import sla_worker
from bot.outbox import OutboxWorker
from channels.whatsapp.client import GraphClient
from channels.whatsapp.delivery import whatsapp_deliver
from channels.whatsapp.inbound import CHANNEL
from channels.whatsapp.processor import EventProcessor
from channels.whatsapp.sender import Sender, labels_from
from core.settings import Settings
from dialogue.engine import DialogueEngine


class WhatsAppChannel:
    def __init__(
        self,
        *,
        settings: Settings,
        engine: DialogueEngine | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        idle_seconds: float = 1.0,
    ) -> None:
        if not settings.whatsapp_enabled:
            raise RuntimeError(
                "WhatsApp needs WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_ACCESS_TOKEN,"
                " WHATSAPP_VERIFY_TOKEN and WHATSAPP_APP_SECRET"
            )
        self.settings = settings
        self.engine = engine or DialogueEngine(database_url=settings.database_url)
        self.client = GraphClient.from_settings(settings, transport=transport)
        self.sender = Sender(self.client, labels_from(self.engine), settings.database_url)
        self.processor = EventProcessor(
            engine=self.engine, client=self.client, sender=self.sender, settings=settings,
            idle_seconds=idle_seconds,
        )  # fmt: skip
        self.outbox = OutboxWorker(
            channel=CHANNEL,
            engine=self.engine,
            deliver=whatsapp_deliver(self.sender, settings),
            idle_seconds=idle_seconds,
            database_url=settings.database_url,
        )
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def verify_token(self) -> str:
        return self.settings.whatsapp_verify_token or ""

    @property
    def app_secret(self) -> str:
        return self.settings.whatsapp_app_secret or ""

    def wake(self) -> None:
        """A new event was stored: process it now rather than at the next poll."""
        self.processor.wake.set()

    async def start(self, *, sla: bool) -> None:
        """`sla`: also sweep SLA deadlines (when no Telegram bot in this process does)."""
        self._stop.clear()
        self._tasks = [
            asyncio.create_task(self.processor.run(self._stop)),
            asyncio.create_task(self.outbox.run(self._stop)),
        ]
        if sla:
            self._tasks.append(asyncio.create_task(sla_worker.run(self._stop)))

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)
        self._tasks = []
        await self.client.aclose()
