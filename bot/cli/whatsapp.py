"""WhatsApp operations on the command line (part of `python -m bot`).

python -m bot whatsapp status [--json]      events and sent messages per status
python -m bot whatsapp retry-failed         failed events back to the queue
python -m bot whatsapp purge --days N       delete processed raw events older than N days
"""

from __future__ import annotations

import argparse
import json
from datetime import timedelta
from typing import Any

from bot.texts import TEXTS
from core.timestamps import utcnow


def _cmd_status(args: argparse.Namespace) -> int:
    from channels.whatsapp import store
    from core.db import transaction

    with transaction() as session:
        data = store.summary(session=session)
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    for name, label in (
        ("events", TEXTS.text("whatsapp", "events")),
        ("messages", TEXTS.text("whatsapp", "messages")),
    ):
        counts = ", ".join(f"{k} {v}" for k, v in sorted(data[name].items())) or TEXTS.text(
            "whatsapp", "none_yet"
        )
        print(f"{label}: {counts}")
    return 0


def _cmd_retry_failed(args: argparse.Namespace) -> int:
    from channels.whatsapp import store
    from core.db import transaction

    with transaction() as session:
        count = store.retry_failed(session=session)
    print(TEXTS.text("whatsapp", "requeued", jumlah=count))
    return 0


def _cmd_purge(args: argparse.Namespace) -> int:
    from channels.whatsapp import store
    from core.db import transaction

    with transaction() as session:
        count = store.purge_events(session=session, before=utcnow() - timedelta(days=args.days))
    print(TEXTS.text("whatsapp", "purged", jumlah=count))
    return 0


def register(sub: Any) -> None:
    whatsapp = sub.add_parser("whatsapp", help="WhatsApp webhook events: status, retry, purge")
    whatsapp_sub = whatsapp.add_subparsers(dest="whatsapp_command", required=True)
    status = whatsapp_sub.add_parser("status", help="events and sent messages per status")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=_cmd_status)
    whatsapp_sub.add_parser(
        "retry-failed", help="put failed events back in the queue (the server processes them)"
    ).set_defaults(func=_cmd_retry_failed)
    purge = whatsapp_sub.add_parser("purge", help="delete processed raw events")
    purge.add_argument("--days", type=int, required=True, help="keep the last N days")
    purge.set_defaults(func=_cmd_purge)
