"""Stored work on the command line: `python -m bot queue status | retry | drop`.

The queues are the stored Telegram updates, the stored WhatsApp events and the
notification outbox (bot/queues.py). A dead letter is a job that failed for good:
`retry` puts it back (after its cause was fixed), `drop` deletes it.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.cli.output import print_json
from bot.texts import TEXTS


def _cmd_status(args: argparse.Namespace) -> int:
    from bot.queues import problems, queue_status
    from core.db import transaction

    with transaction() as session:
        status = queue_status(session=session)
    found = problems(status)
    if args.json:
        print_json({"queues": status, "problems": found})
        return 0
    for name, queue in status.items():
        age = queue["oldest_waiting_seconds"]
        counts = ", ".join(f"{k} {v}" for k, v in sorted(queue["counts"].items())) or "0"
        print(TEXTS.text(
            "queue", "line", antrean=name, jumlah=counts, gagal=queue["dead"],
            umur=TEXTS.text("queue", "nothing_waits") if age is None
            else TEXTS.text("queue", "age", detik=age),
        ))  # fmt: skip
    for problem in found:
        print(TEXTS.text("queue", "problem", masalah=problem))
    if not found:
        print(TEXTS.text("queue", "healthy"))
    return 1 if found else 0


def _on_dead_letters(args: argparse.Namespace, *, retry: bool) -> int:
    """`queue retry` / `queue drop`: the dead letters named (--id) or all (--all)."""
    from bot.queues import QUEUES
    from core.db import transaction

    if not args.all and not args.id:
        print(TEXTS.text("queue", "which"), file=sys.stderr)
        return 2
    queue, ids = QUEUES[args.queue], None if args.all else list(args.id)
    with transaction() as session:
        if retry:
            count = queue.retry_failed(session=session, ids=ids)
        else:
            count = queue.drop_failed(session=session, ids=ids)
    done = "retried" if retry else "dropped"
    print(TEXTS.text("queue", done, jumlah=count, antrean=args.queue))
    return 0


def _cmd_retry(args: argparse.Namespace) -> int:
    return _on_dead_letters(args, retry=True)


def _cmd_drop(args: argparse.Namespace) -> int:
    return _on_dead_letters(args, retry=False)


def register(sub: Any) -> None:
    from bot.queues import QUEUES

    queue = sub.add_parser(
        "queue", help="stored updates, events and the outbox: status, dead letters"
    )
    queue_sub = queue.add_subparsers(dest="queue_command", required=True)
    status = queue_sub.add_parser("status", help="jobs per status, oldest waiting, dead letters")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=_cmd_status)
    for name, func, help_text in (
        ("retry", _cmd_retry, "put dead letters back in the queue"),
        ("drop", _cmd_drop, "delete dead letters for good"),
    ):
        command = queue_sub.add_parser(name, help=help_text)
        command.add_argument("queue", choices=sorted(QUEUES))
        command.add_argument("--id", type=int, action="append", default=[], help="a job id")
        command.add_argument("--all", action="store_true", help="every dead letter of the queue")
        command.set_defaults(func=func)
