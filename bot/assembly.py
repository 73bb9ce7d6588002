"""Each channel built with the domain hooks it may not import itself.

Channels never import tickets: the Telegram bot gets the staff-button handler
(workflow actions from operator and agency chats), the WhatsApp channel the
outbox look-up it needs to resend a notification as a template.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from bot.outbox import delivery_finder
from bot.staff_buttons import staff_button
from core.settings import Settings, get_settings
from dialogue.engine import DialogueEngine

if TYPE_CHECKING:
    from telegram.ext import Application
    from telegram.request import BaseRequest

    from channels.whatsapp.app import WhatsAppChannel


def telegram_application(
    *,
    settings: Settings | None = None,
    engine: DialogueEngine | None = None,
    updater: bool = True,
    request: BaseRequest | None = None,
) -> Application:
    from channels.telegram.app import build_application

    return build_application(
        engine=engine, settings=settings or get_settings(), updater=updater, request=request,
        buttons=staff_button,
    )  # fmt: skip


def whatsapp_channel(
    *,
    settings: Settings,
    engine: DialogueEngine | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    idle_seconds: float = 1.0,
) -> WhatsAppChannel:
    from channels.whatsapp.app import WhatsAppChannel

    engine = engine or DialogueEngine(database_url=settings.database_url)
    return WhatsAppChannel(
        settings=settings, engine=engine, transport=transport, idle_seconds=idle_seconds,
        find_delivery=delivery_finder(engine, settings.database_url),
    )  # fmt: skip
