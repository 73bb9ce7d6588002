"""Deliver outbox notifications (ticket news) on WhatsApp.

Inside the 24-hour customer-service window the notification goes as free-form
messages, like any reply. Outside it, WhatsApp only accepts an approved template:
WHATSAPP_STATUS_TEMPLATE with the ticket number and the news in one line, or, for
news that asks for a choice (a resolved ticket: rate it or "Belum beres"),
WHATSAPP_RATING_TEMPLATE, whose quick-reply buttons carry the notification's
button payloads, so that a tap comes back as the same answer as in the window;
a staff answer to a handoff request goes as WHATSAPP_HANDOFF_TEMPLATE
(docs/operations.md lists the templates). When
Meta still answers 131047 (the window closed meanwhile, or our clock and theirs
disagree), the same notification goes out as the template. A conversation reply
has no template: it goes free-form without looking at the window (the citizen just
wrote; Meta's 131047 says otherwise). The message ids sent are recorded with the
outbox's settlement (the Outcome's `record`).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import timedelta
from typing import Any

from channels.whatsapp import store
from channels.whatsapp.client import REENGAGEMENT, GraphError
from channels.whatsapp.payloads import template_payload
from channels.whatsapp.sender import Sender, Sent, record_all
from core.db import transaction
from core.settings import Settings
from dialogue.delivery import Deliver, Delivery, Outcome, Result

log = logging.getLogger(__name__)

RATE_LIMIT_PAUSE = timedelta(seconds=60)
# The notification whose buttons the rating template's quick replies carry (the
# template's buttons are fixed when it is registered: these, in this order).
RATING_RESPONSE = "utter_notifikasi_selesai"
# The variable naming the handoff request of a staff answer (tickets/handoff.py).
HANDOFF_VARIABLE = "nomor_permintaan"


def status_template(delivery: Delivery, settings: Settings) -> dict[str, Any] | None:
    """The template message for a notification; None when it names no ticket or
    handoff request."""
    number = delivery.variables.get("nomor")
    news = delivery.message.text or ""
    request = delivery.variables.get(HANDOFF_VARIABLE)
    if not number and request and settings.whatsapp_handoff_template:
        return template_payload(
            delivery.user_key, settings.whatsapp_handoff_template,
            settings.whatsapp_template_language, [f"#{request}", news or f"#{request}"], [],
        )  # fmt: skip
    if not number:
        return None
    name, quick_replies = settings.whatsapp_status_template, []
    buttons = delivery.message.buttons
    if delivery.response == RATING_RESPONSE and buttons and settings.whatsapp_rating_template:
        name, quick_replies = settings.whatsapp_rating_template, [b.payload for b in buttons]
    return template_payload(
        delivery.user_key,
        name,
        settings.whatsapp_template_language,
        [str(number), news or str(number)],
        quick_replies,
    )


def outcome_for(error: GraphError) -> Outcome:
    if error.transient:
        delay = RATE_LIMIT_PAUSE if error.http_status and error.http_status < 500 else None
        return Outcome(Result.RETRY, str(error), delay)
    return Outcome(Result.FAILED, str(error))


def _window_open(wa_id: str, database_url: str | None) -> bool:
    with transaction(database_url) as session:
        return store.window_open(session=session, wa_id=wa_id)


async def send_as_template(
    sender: Sender, delivery: Delivery, settings: Settings, sent: list[Sent] | None = None
) -> Outcome:
    payload = status_template(delivery, settings)
    if payload is None:
        return Outcome(Result.FAILED, "outside the 24-hour window and nothing for a template")
    try:
        await sender.send_payload(payload, notification_id=delivery.notification_id, sent=sent)
    except GraphError as error:
        return outcome_for(error)
    return Outcome(Result.SENT)


async def _deliver(
    sender: Sender, settings: Settings, delivery: Delivery, sent: list[Sent]
) -> Outcome:
    has_template = status_template(delivery, settings) is not None
    if not has_template or await asyncio.to_thread(
        _window_open, delivery.user_key, sender.database_url
    ):
        try:
            await sender.send(delivery.user_key, delivery.message,
                              notification_id=delivery.notification_id, sent=sent)  # fmt: skip
        except GraphError as error:
            if error.code != REENGAGEMENT:
                return outcome_for(error)
            log.info("notification %s: window closed, sending the template",
                     delivery.notification_id)  # fmt: skip
        else:
            return Outcome(Result.SENT)
    return await send_as_template(sender, delivery, settings, sent)


def whatsapp_deliver(sender: Sender, settings: Settings) -> Deliver:
    async def deliver(delivery: Delivery) -> Outcome:
        sent: list[Sent] = []
        outcome = await _deliver(sender, settings, delivery, sent)
        # What was sent is recorded whatever came after it (a later part failing).
        return replace(outcome, record=record_all(sent)) if sent else outcome

    return deliver
