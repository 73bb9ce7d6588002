"""Admin command line: `python -m bot chat|migrate|tickets ...`."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from collections.abc import Sequence

from core.settings import get_settings


def _cmd_chat(args: argparse.Namespace) -> int:
    from bot.channels.console import run_console
    from bot.dialogue.engine import DialogueEngine
    from core.migrate import upgrade
    from knowledge.preload import preload

    upgrade()
    preload()
    run_console(engine=DialogueEngine(), user_key=args.user)
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
    from tickets.serialize import ticket_to_dict
    from tickets.service import get_ticket_by_number

    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=args.number)
        data = None if ticket is None else ticket_to_dict(ticket)
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Laporin")
    sub = parser.add_subparsers(dest="command", required=True)

    chat = sub.add_parser("chat", help="chat with the bot in the terminal")
    chat.add_argument("--user", default=getpass.getuser(), help="who you are in the chat")
    chat.set_defaults(func=_cmd_chat)

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
    show.set_defaults(func=_cmd_tickets_show)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=getattr(logging, get_settings().log_level.upper(), logging.INFO)
        if args.command != "chat"
        else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return int(args.func(args))
