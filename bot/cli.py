"""Command line: `python -m bot run|chat|telegram|serve|telegram-webhook|migrate|tickets ...`
(and `users`, `chats`, `sla` in cli_workflow.py, `whatsapp` in cli_whatsapp.py)."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from collections.abc import Sequence

from core.settings import get_settings


def _prepare() -> None:
    """Schema up to date and knowledge data checked before serving anyone."""
    from core.migrate import upgrade
    from knowledge.preload import preload

    upgrade()
    preload()


def _cmd_chat(args: argparse.Namespace) -> int:
    from channels.console import run_console
    from dialogue.engine import DialogueEngine

    _prepare()
    run_console(engine=DialogueEngine(), user_key=args.user)
    return 0


def _cmd_telegram(args: argparse.Namespace) -> int:
    from channels.telegram.app import run_polling

    if not get_settings().telegram_bot_token:
        print("TELEGRAM_BOT_TOKEN is not set (see README: Telegram).", file=sys.stderr)
        return 2
    _prepare()
    run_polling()
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


def _cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from bot.web import DropQueryStrings, create_app

    _prepare()
    logging.getLogger("uvicorn.access").addFilter(DropQueryStrings())
    uvicorn.run(create_app(), host=args.host, port=args.port, log_level="info")
    return 0


def _cmd_webhook(args: argparse.Namespace) -> int:
    import asyncio

    from telegram import Bot

    from bot.web import TELEGRAM_WEBHOOK_PATH

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
    from core.migrate import upgrade

    upgrade()
    print(f"Database is up to date: {_safe_url(get_settings().database_url)}")
    return 0


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _cmd_tickets_list(args: argparse.Namespace) -> int:
    from core.db import transaction
    from tickets.serialize import ticket_to_dict
    from tickets.service import list_tickets

    with transaction() as session:
        tickets = [
            ticket_to_dict(t)
            for t in list_tickets(session=session, status=args.status, limit=args.limit)
        ]
    if args.json:
        print(json.dumps(tickets, ensure_ascii=False, indent=2))
        return 0
    if not tickets:
        print("Belum ada tiket.")
    for t in tickets:
        print(
            f"{t['number']}  {t['status']:<11}  {t['category']:<17}  "
            f"{t['region'] or '-':<16}  {t['created_at']}"
        )
    return 0


def _cmd_tickets_show(args: argparse.Namespace) -> int:
    from core.db import transaction
    from tickets.models import StaffUser
    from tickets.serialize import ticket_to_dict
    from tickets.service import get_ticket_by_number

    with transaction() as session:
        viewer = session.get(StaffUser, args.viewer) if args.viewer else None
        if args.viewer and viewer is None:
            print(f"Pengguna #{args.viewer} tidak ada.", file=sys.stderr)
            return 1
        ticket = get_ticket_by_number(session=session, number=args.number)
        data = None if ticket is None else ticket_to_dict(ticket, viewer=viewer)
    if data is None:
        print(f"Tiket {args.number} tidak ditemukan.", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    for key in (
        "number",
        "status",
        "category",
        "description",
        "latitude",
        "longitude",
        "region",
        "agency",
        "confidential",
        "created_at",
    ):
        print(f"{key:>13}: {data[key]}")
    print(f"{'photos':>13}: {data['photos']['count']}")
    for event in data["events"]:
        print(f"  {event['created_at']}  {event['kind']}  {event['actor']}  {event['note'] or ''}")
    return 0


def _cmd_tickets_set_status(args: argparse.Namespace) -> int:
    from core.db import transaction
    from tickets.flows import move_ticket
    from tickets.service import get_ticket_by_number
    from tickets.statuses import all_statuses

    if args.status not in all_statuses():
        print(f"Status tidak dikenal. Pilihan: {', '.join(all_statuses())}", file=sys.stderr)
        return 1
    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=args.number)
        if ticket is None:
            print(f"Tiket {args.number} tidak ditemukan.", file=sys.stderr)
            return 1
        try:
            move_ticket(
                session=session, ticket=ticket, to_status=args.status,
                actor=args.actor, note=args.note,
            )  # fmt: skip
        except ValueError as error:
            print(str(error), file=sys.stderr)
            return 1
    print(f"{args.number}: {args.status} (warga akan diberi tahu)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Laporin")
    sub = parser.add_subparsers(dest="command", required=True)

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
    serve.set_defaults(func=_cmd_serve)
    webhook = sub.add_parser("telegram-webhook", help="register the Telegram webhook")
    webhook.add_argument("action", choices=["set", "delete", "info"])
    webhook.add_argument("--url", help="public https URL of this server (for set)")
    webhook.set_defaults(func=_cmd_webhook)

    sub.add_parser("migrate", help="create or upgrade the database").set_defaults(func=_cmd_migrate)

    tickets = sub.add_parser("tickets", help="inspect tickets")
    tickets_sub = tickets.add_subparsers(dest="tickets_command", required=True)
    listing = tickets_sub.add_parser("list", help="list tickets, newest first")
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--status")
    listing.add_argument("--limit", type=int, default=50)
    listing.set_defaults(func=_cmd_tickets_list)
    show = tickets_sub.add_parser("show", help="one ticket with photos and history")
    show.add_argument("number")
    show.add_argument("--json", action="store_true")
    show.add_argument("--as", dest="viewer", type=int, help="show it as this staff user sees it")
    show.set_defaults(func=_cmd_tickets_show)
    set_status = tickets_sub.add_parser(
        "set-status", help="change a ticket's status; the citizen is notified"
    )
    set_status.add_argument("number")
    set_status.add_argument("status")
    set_status.add_argument("--note", help="shown to the citizen as the officer's note")
    set_status.add_argument("--actor", default=f"operator:{getpass.getuser()}")
    set_status.set_defaults(func=_cmd_tickets_set_status)

    from bot.cli_whatsapp import register as register_whatsapp
    from bot.cli_workflow import register

    register(sub, tickets_sub)
    register_whatsapp(sub)
    return parser


def _is_console(args: argparse.Namespace) -> bool:
    """The console chat keeps the terminal free of log lines."""
    settings = get_settings()
    return args.command == "chat" or (
        args.command == "run" and not settings.telegram_bot_token and not settings.whatsapp_enabled
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=getattr(logging, get_settings().log_level.upper(), logging.INFO)
        if not _is_console(args)
        else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every request URL at INFO, and Bot API URLs contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return int(args.func(args))
