"""POST /telegram/webhook: Telegram updates, which must carry the secret token header.

An update is stored before Telegram gets its 200 (Telegram never sends again an
update it got a 200 for); when it cannot be stored the answer is 503, and Telegram
delivers it again. The update processor (processor.py) does the rest.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import Response

from channels.http_body import BodyError, read_body
from channels.telegram import store
from channels.telegram.processor import processor_of
from core.db import transaction

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TELEGRAM_WEBHOOK_PATH = "/telegram/webhook"


# Telegram's updates are small (a message, a photo's file id); far bigger is not Telegram.
MAX_BODY_BYTES = 1024 * 1024
BODY_TIMEOUT_SECONDS = 10.0


def _no_constants(name: str) -> Any:
    """NaN and Infinity are not JSON (PostgreSQL's JSON type refuses them): a 400, not
    a 503 that Telegram would retry for ever."""
    raise ValueError(f"{name} is not JSON")


def _store(data: dict[str, Any]) -> int | None:
    with transaction() as session:
        return store.record_update(session=session, data=data)


async def receive(request: Request) -> Response:
    application = getattr(request.app.state, "telegram", None)
    if application is None:
        return Response(status_code=404)
    secret = request.app.state.settings.telegram_webhook_secret or ""
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return Response(status_code=403)
    try:
        raw = await read_body(request, max_bytes=MAX_BODY_BYTES, timeout=BODY_TIMEOUT_SECONDS)
    except BodyError as error:  # too large, too slow, or broken off
        return Response(status_code=error.status)
    try:
        data: Any = json.loads(raw, parse_constant=_no_constants)
        store.update_id_of(data)
    except (ValueError, RecursionError):
        return Response(status_code=400)
    try:
        row_id = await asyncio.to_thread(_store, data)
    except SQLAlchemyError as error:
        log.error("telegram webhook: update not stored (%s); answering 503", type(error).__name__)
        return Response(status_code=503)
    if row_id is not None:
        processor_of(application).wake.set()
    return Response(status_code=200)
