"""Command line: `python -m bot ...`, one module per group of commands.

serve.py     run, chat, telegram, serve, telegram-webhook, migrate
tickets.py   tickets list | show | set-status
workflow.py  tickets queue and the workflow actions (forward, reject, resolve, ...)
staff.py     users add | list, chats add | list
sla.py       sla sweep | report
whatsapp.py  whatsapp status | retry-failed | purge
logs.py      logs purge (message log retention); the PII filter on log handlers
knowledge.py knowledge list | ask | mpp | region | evaluate | region-eval | unanswered
queue.py     queue status | retry | drop (stored updates and events, the outbox)
handoff.py   handoff list | reply | close (citizens who asked for a person)
open311.py   open311 create-key | revoke-key | keys (other systems' API keys)
ikm.py       ikm report (Indeks Kepuasan Masyarakat per OPD)
lapor.py     lapor export (tickets referred to SP4N-LAPOR!, as CSV)
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from bot.cli import (
    handoff,
    ikm,
    knowledge,
    lapor,
    logs,
    open311,
    queue,
    serve,
    sla,
    staff,
    tickets,
    whatsapp,
    workflow,
)
from core.settings import get_settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Laporin")
    sub = parser.add_subparsers(dest="command", required=True)
    serve.register(sub)
    tickets_sub = tickets.register(sub)
    workflow.register(tickets_sub)
    staff.register(sub)
    sla.register(sub)
    whatsapp.register(sub)
    logs.register(sub)
    knowledge.register(sub)
    queue.register(sub)
    handoff.register(sub)
    open311.register(sub)
    lapor.register(sub)
    ikm.register(sub)
    return parser


def _is_console(args: argparse.Namespace) -> bool:
    """The console chat keeps the terminal free of log lines."""
    settings = get_settings()
    return args.command == "chat" or (
        args.command == "run" and not settings.telegram_bot_token and not settings.whatsapp_enabled
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logs.configure_logging(console=_is_console(args))
    return int(args.func(args))
