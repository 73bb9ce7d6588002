"""Every queue of stored work, for the operators: `python -m bot queue ...` and /healthz.

A queue is healthy when nothing waits longer than QUEUE_MAX_AGE_SECONDS and it holds
no dead letters (jobs that failed for good, kept to be retried or dropped by hand).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from channels.telegram.store import UPDATES
from channels.whatsapp.store import EVENTS
from core.jobqueue import JobQueue
from core.settings import get_settings
from core.timestamps import utcnow
from tickets.notifications import OUTBOX

QUEUES: dict[str, JobQueue[Any]] = {
    "telegram": UPDATES,  # stored Telegram updates
    "whatsapp": EVENTS,  # stored WhatsApp webhook events
    "outbox": OUTBOX,  # notifications and staff alerts to deliver
}


def queue_status(*, session: Session, now: datetime | None = None) -> dict[str, dict[str, Any]]:
    """Per queue: rows per status, how many are dead letters, and the age in seconds
    of the oldest job still waiting (None: none waits)."""
    now = now or utcnow()
    report: dict[str, dict[str, Any]] = {}
    for name, queue in QUEUES.items():
        counts = queue.counts(session=session)
        oldest = queue.oldest_waiting(session=session)
        report[name] = {
            "counts": counts,
            "dead": counts.get(queue.failed, 0),
            "oldest_waiting_seconds": None if oldest is None else (now - oldest).total_seconds(),
        }
    return report


def problems(
    status: dict[str, dict[str, Any]], *, max_age_seconds: float | None = None
) -> list[str]:
    """Why the queues are not healthy (empty: they are), in English for the monitor."""
    max_age = (
        max_age_seconds if max_age_seconds is not None else get_settings().queue_max_age_seconds
    )
    found = []
    for name, queue in status.items():
        if queue["dead"]:
            found.append(f"{name}: {queue['dead']} dead letter(s)")
        age = queue["oldest_waiting_seconds"]
        if age is not None and age > max_age:
            found.append(f"{name}: oldest waiting job is {age:.0f} s old")
    return found
