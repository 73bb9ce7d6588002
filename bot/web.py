"""The ASGI app (``python -m bot serve``): channel webhooks and a health check.

POST /telegram/webhook  Telegram updates; must carry the secret token header.
GET  /whatsapp/webhook  Meta's subscription handshake (hub.verify_token).
POST /whatsapp/webhook  WhatsApp Cloud API events; must carry X-Hub-Signature-256.
/open311/v2/      Open311 GeoReport v2: services, reports of other systems (API key),
                  the public list of non-confidential reports (JSON and XML).
/laporan/         the public report pages and map (no login; nothing personal).
/petugas/         the staff workspace (workspace/): login, queue, tickets, handoff
                  inbox, admin pages; served whether or not a chat channel is.
GET  /healthz           200 "ok" or "degraded" (queue age, dead letters); 503 when the
                        database does not answer.

A channel whose settings are missing is not served (its routes answer 404).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from bot import assembly
from bot.workers import Workers, plan
from channels.telegram import webhook as telegram_webhook
from channels.telegram.webhook import TELEGRAM_WEBHOOK_PATH
from channels.whatsapp import webhook as whatsapp_webhook
from channels.whatsapp.webhook import WHATSAPP_WEBHOOK_PATH
from core.settings import Settings, get_settings
from open311.app import open311_mount
from workspace.app import public_mount, workspace_mount

log = logging.getLogger(__name__)


class DropQueryStrings(logging.Filter):
    """For uvicorn's access log: the WhatsApp handshake carries the verify token
    in its query string, which must not end up in log files."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def _health() -> dict[str, Any]:
    from bot.queues import problems, queue_status
    from core.db import transaction

    try:
        with transaction() as session:
            session.execute(text("SELECT 1"))
            queues = queue_status(session=session)
    except Exception:  # any failure means "not healthy"; the reason is logged
        log.exception("health check: database unreachable")
        return {"status": "error", "database": "error"}
    found = problems(queues)
    return {
        "status": "degraded" if found else "ok",
        "database": "ok",
        "problems": found,
        "queues": queues,
    }


async def healthz(request: Request) -> Response:
    """200 "ok"; 200 "degraded" when work waits too long or dead letters exist (the
    process still serves: a load balancer must not take it out); 503 without the
    database."""
    import asyncio

    body = await asyncio.to_thread(_health)
    return JSONResponse(body, status_code=503 if body["status"] == "error" else 200)


def create_app(
    *, settings: Settings | None = None, telegram: Any = None, whatsapp: Any = None
) -> Starlette:
    """The app; ``telegram`` is a PTB Application and ``whatsapp`` a WhatsAppChannel,
    each built from settings when not given and configured."""
    settings = settings or get_settings()
    # Half a configuration is a mistake to report, not a channel to skip silently.
    if whatsapp is None and (settings.whatsapp_enabled or settings.whatsapp_configured_in_part):
        whatsapp = assembly.whatsapp_channel(settings=settings)
    if telegram is None and settings.telegram_bot_token:
        if not settings.telegram_webhook_secret:
            raise RuntimeError("TELEGRAM_WEBHOOK_SECRET must be set to serve the Telegram webhook")
        telegram = assembly.telegram_application(settings=settings, updater=False)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.telegram = telegram
        app.state.whatsapp = whatsapp
        async with contextlib.AsyncExitStack() as stack:
            if telegram is not None:
                from channels.telegram.app import set_commands

                await telegram.initialize()
                stack.push_async_callback(telegram.shutdown)
                await telegram.start()
                stack.push_async_callback(telegram.stop)
                await set_commands(telegram)
            if whatsapp is not None:
                stack.push_async_callback(whatsapp.aclose)
            workers = Workers(plan(telegram=telegram, whatsapp=whatsapp))
            await workers.start()
            stack.push_async_callback(workers.stop)
            yield

    return Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route(TELEGRAM_WEBHOOK_PATH, telegram_webhook.receive, methods=["POST"]),
            Route(WHATSAPP_WEBHOOK_PATH, whatsapp_webhook.verify, methods=["GET"]),
            Route(WHATSAPP_WEBHOOK_PATH, whatsapp_webhook.receive, methods=["POST"]),
            Route("/petugas", lambda request: RedirectResponse("/petugas/"), methods=["GET"]),
            workspace_mount(settings),
            Route("/laporan", lambda request: RedirectResponse("/laporan/"), methods=["GET"]),
            public_mount(settings),
            open311_mount(),
        ],
        lifespan=lifespan,
    )
