"""The ASGI app (``python -m bot serve``): channel webhooks and a health check.

POST /telegram/webhook  Telegram updates; must carry the secret token header.
GET  /healthz           200 when the database answers, 503 when it does not.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram import Update

from core.settings import Settings, get_settings

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TELEGRAM_WEBHOOK_PATH = "/telegram/webhook"


def _database_ok() -> bool:
    from core.db import transaction

    try:
        with transaction() as session:
            session.execute(text("SELECT 1"))
    except Exception:  # any failure means "not healthy"; the reason is logged
        log.exception("health check: database unreachable")
        return False
    return True


async def healthz(request: Request) -> Response:
    import asyncio

    ok = await asyncio.to_thread(_database_ok)
    body = {"status": "ok" if ok else "error", "database": "ok" if ok else "error"}
    return JSONResponse(body, status_code=200 if ok else 503)


async def telegram_webhook(request: Request) -> Response:
    application = request.app.state.telegram
    secret = request.app.state.settings.telegram_webhook_secret or ""
    given = request.headers.get(SECRET_HEADER, "")
    if application is None:
        return Response(status_code=404)
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


def create_app(*, settings: Settings | None = None, telegram: Any = None) -> Starlette:
    """The app; ``telegram`` is a PTB Application (built from settings when a token is set)."""
    settings = settings or get_settings()
    if telegram is None and settings.telegram_bot_token:
        if not settings.telegram_webhook_secret:
            raise RuntimeError("TELEGRAM_WEBHOOK_SECRET must be set to serve the Telegram webhook")
        from bot.channels.telegram.app import build_application

        telegram = build_application(settings=settings, updater=False)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.telegram = telegram
        if telegram is None:
            yield
            return
        from bot.channels.telegram.app import on_start, stop_workers

        await telegram.initialize()
        await telegram.start()
        await on_start(telegram)  # command menu and outbox worker, as in polling mode
        try:
            yield
        finally:
            await stop_workers(telegram)
            await telegram.stop()
            await telegram.shutdown()

    return Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route(TELEGRAM_WEBHOOK_PATH, telegram_webhook, methods=["POST"]),
        ],
        lifespan=lifespan,
    )
