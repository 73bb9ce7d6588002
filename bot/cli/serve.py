"""Starting the bot: `python -m bot run|chat|telegram|serve|telegram-webhook|migrate`."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from typing import Any

from core.settings import get_settings


def _prepare() -> None:
    """Schema up to date and knowledge data checked before serving anyone."""
    from knowledge.preload import preload
    from tickets.reference import upgrade

    upgrade()
    preload()


def _cmd_chat(args: argparse.Namespace) -> int:
    from bot.outbox import console_news
    from channels.console import run_console
    from dialogue.engine import DialogueEngine

    _prepare()
    engine = DialogueEngine()
    run_console(engine=engine, user_key=args.user, news=console_news(engine, args.user))
    return 0


def _cmd_telegram(args: argparse.Namespace) -> int:
    import asyncio
    import signal

    from bot.assembly import telegram_application
    from bot.workers import run_telegram_polling

    settings = get_settings()
    if not settings.telegram_bot_token:
        print("TELEGRAM_BOT_TOKEN is not set (see README: Telegram).", file=sys.stderr)
        return 2
    _prepare()
    application = telegram_application(settings=settings, updater=False)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await run_telegram_polling(application, stop, settings=settings)

    asyncio.run(main())
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    """The ASGI server when WhatsApp is configured (its webhooks need one), else
    Telegram long polling when a token is set, else the console chat."""
    settings = get_settings()
    if settings.whatsapp_enabled:
        return _cmd_serve(args)
    if settings.telegram_bot_token:
        return _cmd_telegram(args)
    return _cmd_chat(args)


# uvicorn's limits for slow or greedy clients (a slow *body* is the webhooks' job:
# channels.http_body.read_body). Meta and Telegram send small bodies at once.
SERVER_LIMITS: dict[str, Any] = {
    "timeout_keep_alive": 5,  # seconds an idle keep-alive connection is kept
    "h11_max_incomplete_event_size": 16 * 1024,  # request line and headers, bytes
    "limit_concurrency": 200,  # connections + tasks; beyond it 503, which platforms retry
    "backlog": 256,
    "timeout_graceful_shutdown": 10,  # seconds for requests in flight at shutdown
}


def server_config(app: Any, *, host: str, port: int, workers: int = 1) -> Any:
    """The uvicorn Config `bot serve` runs with (its limits included); with `workers`,
    `app` is the import string of an app factory."""
    import uvicorn

    extra: dict[str, Any] = {"workers": workers, "factory": True} if workers > 1 else {}
    # LOG_LEVEL also for uvicorn: at WARNING no access line per webhook (each one
    # masked for personal data before it is written).
    level = get_settings().log_level.lower()
    return uvicorn.Config(app, host=host, port=port, log_level=level, **SERVER_LIMITS, **extra)


def _cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from bot.cli.logs import install_log_masking
    from bot.web import DropQueryStrings, create_app

    _prepare()
    workers = getattr(args, "workers", 1)
    if workers > 1:
        return _serve_processes(args.host, args.port, workers)
    logging.getLogger("uvicorn.access").addFilter(DropQueryStrings())
    config = server_config(create_app(), host=args.host, port=args.port)
    install_log_masking()  # uvicorn's handlers exist now (made by the Config)
    uvicorn.Server(config).run()
    return 0


def _serve_processes(host: str, port: int, workers: int) -> int:
    """`bot serve --workers N`: N processes on one socket (uvicorn's supervisor), each
    with the channels' tasks; the queues' row locks (SKIP LOCKED) share the work."""
    import os

    from uvicorn.supervisors.multiprocess import Multiprocess

    from bot.workers import requeue_interrupted

    requeued = requeue_interrupted()
    if any(requeued.values()):
        logging.getLogger(__name__).warning("interrupted work queued again: %s", requeued)
    os.environ["SERVE_PROCESSES"] = str(workers)  # read by each process's settings
    get_settings.cache_clear()
    config = server_config("bot.cli.serve:serve_app", host=host, port=port, workers=workers)
    Multiprocess(config, sockets=[config.bind_socket()]).run()
    return 0


def serve_app() -> Any:
    """The app of one `bot serve --workers N` process (uvicorn imports it there)."""
    from bot.cli.logs import configure_logging
    from bot.web import DropQueryStrings, create_app
    from knowledge.preload import preload

    configure_logging(console=False)
    logging.getLogger("uvicorn.access").addFilter(DropQueryStrings())
    preload()
    return create_app()


def _cmd_webhook(args: argparse.Namespace) -> int:
    import asyncio

    from telegram import Bot

    from channels.telegram.webhook import TELEGRAM_WEBHOOK_PATH

    settings = get_settings()
    if not settings.telegram_bot_token:
        print("TELEGRAM_BOT_TOKEN is not set.", file=sys.stderr)
        return 2

    async def call() -> object:
        bot = Bot(
            settings.telegram_bot_token or "",
            base_url=settings.telegram_base_url,
            base_file_url=settings.telegram_base_file_url,
        )
        async with bot:
            if args.action == "set":
                if not settings.telegram_webhook_secret or not args.url:
                    raise SystemExit("set needs --url and TELEGRAM_WEBHOOK_SECRET.")
                url = args.url.rstrip("/")
                if not url.endswith(TELEGRAM_WEBHOOK_PATH):
                    url += TELEGRAM_WEBHOOK_PATH
                return await bot.set_webhook(
                    url,
                    secret_token=settings.telegram_webhook_secret,
                    allowed_updates=["message", "callback_query"],
                )
            if args.action == "delete":
                return await bot.delete_webhook()
            info = await bot.get_webhook_info()
            return {"url": info.url, "pending_update_count": info.pending_update_count,
                    "last_error_message": info.last_error_message}  # fmt: skip

    print(asyncio.run(call()))
    return 0


def _cmd_migrate(args: argparse.Namespace) -> int:
    from tickets.reference import upgrade

    upgrade()
    print(f"Database is up to date: {_safe_url(get_settings().database_url)}")
    return 0


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def register(sub: Any) -> None:
    for name, func, help_text in (
        ("run", _cmd_run, "bot serve if WhatsApp is configured, Telegram polling if "
         "TELEGRAM_BOT_TOKEN is set, else the console chat"),
        ("chat", _cmd_chat, "chat with the bot in the terminal"),
    ):  # fmt: skip
        command = sub.add_parser(name, help=help_text)
        command.add_argument("--user", default=getpass.getuser(), help="who you are in the chat")
        command.set_defaults(func=func)
        if name == "run":
            command.add_argument("--host", default="127.0.0.1", help="address for bot serve")
            command.add_argument("--port", type=int, default=8080, help="port for bot serve")

    sub.add_parser("telegram", help="run the Telegram bot (long polling)").set_defaults(
        func=_cmd_telegram
    )
    serve = sub.add_parser("serve", help="ASGI server: Telegram and WhatsApp webhooks, /healthz")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--workers", type=int, default=1,
                       help="processes sharing the queues (default 1)")  # fmt: skip
    serve.set_defaults(func=_cmd_serve)
    webhook = sub.add_parser("telegram-webhook", help="register the Telegram webhook")
    webhook.add_argument("action", choices=["set", "delete", "info"])
    webhook.add_argument("--url", help="public https URL of this server (for set)")
    webhook.set_defaults(func=_cmd_webhook)

    sub.add_parser("migrate", help="create or upgrade the database").set_defaults(func=_cmd_migrate)
