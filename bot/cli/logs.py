"""Personal data out of logs (part of `python -m bot`).

python -m bot logs purge --days N   delete message log rows older than N days, and the
                                    workspace's ended sessions and expired login failures

`configure_logging` sets up logging for a command (or a `bot serve --workers`
process). `install_log_masking` puts the PII filter (core.log_privacy with nlu's one rule,
`mask_pii`) on every log handler; the CLI calls it once logging is set up, and
`bot serve` again after uvicorn has made its handlers.
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.texts import TEXTS
from core.settings import get_settings
from core.timestamps import utcnow


def configure_logging(*, console: bool) -> None:
    """Log lines at LOG_LEVEL, never a token or a citizen's number in them."""
    settings = get_settings()
    log_format = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    if console:
        # The chat owns the terminal: log lines go to a file beside the media, never
        # between the citizen's lines.
        log_file = Path(settings.media_dir).parent / "console.log"
        log_file.parent.mkdir(parents=True, exist_ok=True)
        logging.basicConfig(level=settings.log_level, format=log_format, filename=log_file)
    else:
        logging.basicConfig(level=settings.log_level, format=log_format)
    # httpx logs every request URL at INFO, and Bot API URLs contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    install_log_masking()


def install_log_masking() -> None:
    from core.log_privacy import install
    from nlu.entities.pii import mask_pii

    install(mask_pii)


def _cmd_purge(args: argparse.Namespace) -> int:
    from core.db import transaction
    from dialogue import store
    from tickets.accounts import purge_attempts
    from tickets.staff_sessions import purge_ended

    if args.days < 1:
        print(TEXTS.text("logs", "days_positive"), file=sys.stderr)
        return 2
    now = utcnow()
    with transaction() as session:
        purged = store.purge_logs(session=session, before=now - timedelta(days=args.days), now=now)
        window = timedelta(minutes=get_settings().workspace_login_window_minutes)
        attempts = purge_attempts(session=session, before=now - window)
        sessions = purge_ended(session=session, now=now)
    print(
        TEXTS.text(
            "logs",
            "purged",
            pesan=purged.messages,
            id=purged.updates,
            hari=max(args.days, store.MIN_PROCESSED_UPDATE_DAYS),
        )
    )
    print(TEXTS.text("logs", "purged_staff", sesi=sessions, gagal=attempts))
    return 0


def register(sub: Any) -> None:
    logs = sub.add_parser("logs", help="the message log: retention")
    logs_sub = logs.add_subparsers(dest="logs_command", required=True)
    purge = logs_sub.add_parser(
        "purge",
        help="delete message log rows older than N days (redelivery guard ids: "
        "older than max(N, 7) days)",
    )
    purge.add_argument("--days", type=int, required=True, help="keep the last N days")
    purge.set_defaults(func=_cmd_purge)
