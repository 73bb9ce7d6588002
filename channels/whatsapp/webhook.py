"""GET/POST /whatsapp/webhook: Meta's subscription handshake and signed event delivery.

A POST is answered as soon as its body is verified and stored: processing runs
in the background (channels/whatsapp/processor.py), so Meta gets its 200
within milliseconds and never retries because we were slow. A body that cannot
be stored (the database is away) gets 503, so Meta delivers it again.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from channels.http_body import BodyError, read_body
from channels.whatsapp import store
from channels.whatsapp.app import WhatsAppChannel
from channels.whatsapp.signature import (
    SIGNATURE_HEADER,
    signature_valid,
    verification_challenge,
)
from core.db import transaction

log = logging.getLogger(__name__)

WHATSAPP_WEBHOOK_PATH = "/whatsapp/webhook"
# Meta batches at most a few hundred updates per POST; anything far bigger is not Meta.
MAX_BODY_BYTES = 3 * 1024 * 1024
# Meta posts a few kilobytes at once; a body still arriving after this is held open
# by something else.
BODY_TIMEOUT_SECONDS = 10.0


def _channel(request: Request) -> WhatsAppChannel | None:
    return getattr(request.app.state, "whatsapp", None)


async def verify(request: Request) -> Response:
    channel = _channel(request)
    if channel is None:
        return Response(status_code=404)
    challenge = verification_challenge(request.query_params, channel.verify_token)
    if challenge is None:
        return Response(status_code=403)
    return PlainTextResponse(challenge)


def _store(body: bytes, database_url: str) -> int | None:
    with transaction(database_url) as session:
        return store.record_event(session=session, body=body)


async def receive(request: Request) -> Response:
    channel = _channel(request)
    if channel is None:
        return Response(status_code=404)
    signature = request.headers.get(SIGNATURE_HEADER)
    if not signature:
        return Response(status_code=401)
    try:
        body = await read_body(request, max_bytes=MAX_BODY_BYTES, timeout=BODY_TIMEOUT_SECONDS)
    except BodyError as error:  # too large, too slow, or broken off
        return Response(status_code=error.status)
    if not signature_valid(body, signature, channel.app_secret):
        log.warning("whatsapp webhook: wrong signature, %s bytes refused", len(body))
        return Response(status_code=403)
    try:
        event_id = await asyncio.to_thread(_store, body, channel.settings.database_url)
    except ValueError:  # not a JSON object (record_event checks before it writes)
        return Response(status_code=400)
    except SQLAlchemyError as error:  # not kept: Meta must send it again
        log.error("whatsapp webhook: event not stored (%s); answering 503", type(error).__name__)
        return Response(status_code=503)
    if event_id is not None:
        channel.wake()
    return Response(status_code=200)
