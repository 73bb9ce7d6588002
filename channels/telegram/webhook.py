"""POST /telegram/webhook: Telegram updates, which must carry the secret token header."""

from __future__ import annotations

import hmac
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from telegram import Update

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TELEGRAM_WEBHOOK_PATH = "/telegram/webhook"


async def receive(request: Request) -> Response:
    application = getattr(request.app.state, "telegram", None)
    if application is None:
        return Response(status_code=404)
    secret = request.app.state.settings.telegram_webhook_secret or ""
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return Response(status_code=403)
    try:
        data: Any = await request.json()
        update = Update.de_json(data, application.bot)
    except (ValueError, TypeError, KeyError):
        return Response(status_code=400)
    # Telegram gets its 200 at once; the Application processes the queue in order.
    await application.update_queue.put(update)
    return Response(status_code=200)
