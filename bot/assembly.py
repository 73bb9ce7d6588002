"""Each channel built with the domain hooks it may not import itself.

Channels never import tickets: the Telegram bot gets the staff-button handler
(workflow actions from operator and agency chats), the WhatsApp channel the
outbox look-up it needs to resend a notification as a template, and both an
engine whose replies go through the outbox.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
from sqlalchemy.orm import Session

from bot.outbox import delivery_finder
from bot.staff_buttons import staff_button
from core.settings import Settings, get_settings
from dialogue.engine import DialogueEngine
from dialogue.messages import Inbound, Outbound
from tickets.notifications import enqueue_replies

if TYPE_CHECKING:
    from telegram.ext import Application
    from telegram.request import BaseRequest

    from channels.whatsapp.app import WhatsAppChannel


def queue_replies(session: Session, inbound: Inbound, replies: list[Outbound]) -> None:
    """The engine's reply sink for the served channels: replies go to the outbox in
    the turn's transaction, so a crash after the commit delays them, never loses them."""
    enqueue_replies(
        session=session, channel=inbound.channel, user_key=inbound.user_key,
        update_id=inbound.update_id, replies=[reply.to_dict() for reply in replies],
    )  # fmt: skip


def durable_engine(*, database_url: str | None = None) -> DialogueEngine:
    return DialogueEngine(database_url=database_url, reply_sink=queue_replies)


def telegram_application(
    *,
    settings: Settings | None = None,
    engine: DialogueEngine | None = None,
    updater: bool = True,
    request: BaseRequest | None = None,
) -> Application:
    from channels.telegram.app import build_application

    return build_application(
        engine=engine or durable_engine(), settings=settings or get_settings(), updater=updater,
        request=request, buttons=staff_button,
    )  # fmt: skip


def whatsapp_channel(
    *,
    settings: Settings,
    engine: DialogueEngine | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    idle_seconds: float = 1.0,
) -> WhatsAppChannel:
    from channels.whatsapp.app import WhatsAppChannel

    engine = engine or durable_engine(database_url=settings.database_url)
    return WhatsAppChannel(
        settings=settings, engine=engine, transport=transport, idle_seconds=idle_seconds,
        find_delivery=delivery_finder(engine, settings.database_url),
    )  # fmt: skip
