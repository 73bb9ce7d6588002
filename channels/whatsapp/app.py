"""The WhatsApp channel's parts, built from settings: the Graph API client, the
sender, the event processor (stored webhook events -> engine -> replies) and the
outbox ``deliver`` function. Which of them run as background tasks, and when, is
the composition root's decision (bot/workers.py)."""

from __future__ import annotations

import httpx

from channels.whatsapp.client import GraphClient
from channels.whatsapp.delivery import whatsapp_deliver
from channels.whatsapp.inbound import CHANNEL
from channels.whatsapp.limits import SendLimits
from channels.whatsapp.processor import EventProcessor
from channels.whatsapp.sender import Sender, labels_from
from core.settings import Settings
from dialogue.delivery import Deliver, FindDelivery
from dialogue.engine import DialogueEngine


class WhatsAppChannel:
    channel = CHANNEL

    def __init__(
        self,
        *,
        settings: Settings,
        engine: DialogueEngine | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        find_delivery: FindDelivery | None = None,
        idle_seconds: float = 1.0,
    ) -> None:
        if not settings.whatsapp_enabled:
            raise RuntimeError(f"WhatsApp also needs {', '.join(settings.whatsapp_missing)}")
        self.settings = settings
        self.idle_seconds = idle_seconds
        self.engine = engine or DialogueEngine(database_url=settings.database_url)
        self.client = GraphClient.from_settings(settings, transport=transport)
        self.sender = Sender(
            self.client, labels_from(self.engine), settings.database_url,
            SendLimits(settings.whatsapp_messages_per_second),
        )  # fmt: skip
        self.processor = EventProcessor(
            engine=self.engine, client=self.client, sender=self.sender, settings=settings,
            find_delivery=find_delivery, idle_seconds=idle_seconds,
        )  # fmt: skip
        self.deliver: Deliver = whatsapp_deliver(self.sender, settings)

    @property
    def verify_token(self) -> str:
        return self.settings.whatsapp_verify_token or ""

    @property
    def app_secret(self) -> str:
        return self.settings.whatsapp_app_secret or ""

    def wake(self) -> None:
        """A new event was stored: process it now rather than at the next poll."""
        self.processor.wake.set()

    async def aclose(self) -> None:
        await self.client.aclose()
