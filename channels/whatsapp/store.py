"""WhatsApp persistence: the raw event queue, the 24-hour window, sent messages
and their delivery statuses."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from channels.whatsapp.inbound import MEDIA_TYPES
from channels.whatsapp.models import WhatsAppEvent, WhatsAppMessage, WhatsAppWindow
from core.bulk import insert_new, table_of, upsert
from core.jobqueue import JobQueue
from core.retry import RetryPolicy
from core.settings import get_settings
from core.timestamps import utcnow

PENDING = "pending"
PROCESSING = "processing"
DONE = "done"
FAILED = "failed"

MAX_EVENT_ATTEMPTS = 5
FIRST_EVENT_RETRY = timedelta(seconds=10)
# Longer than any one event takes (media download, engine, replies); an event whose
# claim is older is taken again: processing is idempotent (message ids dedupe).
EVENT_LEASE = timedelta(minutes=5)
# Deeper JSON than any Meta body (a few levels) is not a webhook event.
MAX_JSON_DEPTH = 64

# No cap on the backoff: five attempts end long before one would matter.
EVENTS = JobQueue(
    WhatsAppEvent,
    policy=RetryPolicy(first_delay=FIRST_EVENT_RETRY, max_attempts=MAX_EVENT_ATTEMPTS),
    claimed=PROCESSING,
    done=DONE,
    pending=PENDING,
    failed=FAILED,
    done_at="processed_at",
    lease=EVENT_LEASE,
    queued_at="received_at",
    ordered_by="conversation_key",
)

# Meta's customer-service window; a minute's margin so a message sent just before it
# closes is not refused on arrival.
WINDOW = timedelta(hours=24)
WINDOW_MARGIN = timedelta(minutes=1)

# A status may arrive out of order (a "delivered" after its "read"): never step back.
STATUS_RANK = {"accepted": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}


# --- raw webhook events ---------------------------------------------------------------


def parse_event_body(body: bytes) -> dict[str, Any]:
    """The webhook body as a JSON object; ValueError for anything else (not JSON,
    not an object, or nested deeper than any Meta body)."""
    try:
        data = json.loads(body, parse_constant=_no_constants)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    if _depth(data) > MAX_JSON_DEPTH:
        raise ValueError("JSON nested too deeply")
    return data


def _no_constants(name: str) -> Any:
    """NaN and Infinity are not JSON (PostgreSQL's JSON type refuses them)."""
    raise ValueError(f"{name} is not JSON")


def _depth(value: dict[str, Any] | list[Any]) -> int:
    """How many levels of objects and arrays (iteratively: no recursion limit)."""
    depth, level = 0, [value]
    while level:
        depth += 1
        children = [c for i in level for c in (i.values() if isinstance(i, dict) else i)]
        level = [c for c in children if isinstance(c, dict | list)]
    return depth


def _first_message(data: dict[str, Any]) -> dict[str, Any] | None:
    """The body's first message (Meta sends one user's message per body in practice);
    None for a body of statuses only."""
    for entry in data.get("entry") or ():
        for change in (entry.get("changes") or ()) if isinstance(entry, dict) else ():
            value = change.get("value") if isinstance(change, dict) else None
            messages = value.get("messages") if isinstance(value, dict) else None
            if isinstance(messages, list) and messages and isinstance(messages[0], dict):
                return messages[0]
    return None


def _first_sender(data: dict[str, Any]) -> str | None:
    sender = (_first_message(data) or {}).get("from")
    return str(sender)[:64] if sender else None


def _is_photo(data: Any) -> bool:
    """The body's (first) message is an image or document: maybe one of an album."""
    return isinstance(data, dict) and (_first_message(data) or {}).get("type") in MEDIA_TYPES


def photo_follows(*, session: Session, event_id: int, wa_id: str) -> bool:
    """The sender's next stored event is a photo too: an album is still arriving."""
    body = session.scalar(
        select(WhatsAppEvent.body)
        .where(
            WhatsAppEvent.conversation_key == wa_id[:64],
            WhatsAppEvent.id > event_id,
            WhatsAppEvent.status == PENDING,
        )
        .order_by(WhatsAppEvent.id)
        .limit(1)
    )
    return _is_photo(body)


def record_event(*, session: Session, body: bytes) -> int | None:
    """Keep a verified webhook body; None when the identical body came before.
    ValueError, before anything is written, when the body is not a JSON object."""
    data = parse_event_body(body)
    values: dict[str, Any] = {
        "body_sha256": hashlib.sha256(body).hexdigest(), "body": data, "status": PENDING,
        "conversation_key": _first_sender(data),
    }  # fmt: skip
    if _is_photo(data):  # let the rest of an album arrive first (processor.py)
        values["next_attempt_at"] = utcnow() + timedelta(seconds=get_settings().album_wait_seconds)
    event_id = insert_new(session, WhatsAppEvent, values, unique="body_sha256")
    return int(event_id) if event_id is not None else None


@dataclass(frozen=True)
class ClaimedEvent:
    id: int
    # Whatever was stored: rows from before the body check may hold any JSON value,
    # and the processor (not the claim) refuses them.
    body: Any


def claim_events(
    *, session: Session, limit: int = 20, now: datetime | None = None
) -> list[ClaimedEvent]:
    """Due pending events, oldest first, marked "processing"."""
    rows = EVENTS.claim(session=session, limit=limit, now=now, lease=get_settings().queue_lease)
    return [ClaimedEvent(row.id, row.body) for row in rows]


def finish_event(*, session: Session, event_id: int, now: datetime | None = None) -> None:
    EVENTS.finish(session=session, job_id=event_id, now=now)


def retry_event(*, session: Session, event_id: int, error: str, now: datetime | None = None) -> str:
    """Back to pending with backoff, or "failed" after MAX_EVENT_ATTEMPTS."""
    return EVENTS.retry(session=session, job_id=event_id, error=error, now=now)


def fail_event(*, session: Session, event_id: int, error: str) -> None:
    """A dead letter at once: an event no retry can mend (not a webhook body)."""
    EVENTS.fail(session=session, job_id=event_id, error=error)


def requeue_interrupted(*, session: Session) -> int:
    """Events left "processing" by a process that died: process them again (messages
    already handled are recognised by their id and skipped)."""
    return EVENTS.requeue_claimed(session=session)


# --- the 24-hour customer-service window ---------------------------------------------


def record_inbound(*, session: Session, wa_id: str, at: datetime) -> None:
    """Open the user's window, or move it on (never back): one statement, also when
    two writers race."""
    table = table_of(WhatsAppWindow)
    insert = upsert(session)(table)
    session.execute(
        insert.on_conflict_do_update(
            index_elements=["wa_id"],
            set_={"last_inbound_at": insert.excluded.last_inbound_at},
            where=insert.excluded.last_inbound_at > table.c.last_inbound_at,
        ),
        {"wa_id": wa_id, "last_inbound_at": at},
    )


def window_open(*, session: Session, wa_id: str, now: datetime | None = None) -> bool:
    last = session.scalar(
        select(WhatsAppWindow.last_inbound_at).where(WhatsAppWindow.wa_id == wa_id)
    )
    return last is not None and (now or utcnow()) < last + WINDOW - WINDOW_MARGIN


# --- messages we sent, and what became of them ------------------------------------------


def record_sent(
    *,
    session: Session,
    wamid: str,
    wa_id: str,
    kind: str,
    notification_id: int | None = None,
) -> None:
    session.add(
        WhatsAppMessage(
            wamid=wamid, wa_id=wa_id, kind=kind, notification_id=notification_id,
            status="accepted",
        )
    )  # fmt: skip


@dataclass(frozen=True)
class StatusChange:
    """A failed message that belonged to a notification (to try a template instead)."""

    wamid: str
    wa_id: str
    kind: str
    notification_id: int | None
    error_code: int | None


def apply_status(
    *,
    session: Session,
    wamid: str,
    status: str,
    at: datetime,
    error_code: int | None = None,
    error_title: str | None = None,
) -> StatusChange | None:
    """Record a delivery status on our message; None for unknown ids or a status that
    would step back. Returns what changed."""
    message = session.scalars(
        select(WhatsAppMessage).where(WhatsAppMessage.wamid == wamid).with_for_update()
    ).one_or_none()
    if message is None or status not in STATUS_RANK:
        return None
    if STATUS_RANK[status] <= STATUS_RANK.get(message.status, 0):
        return None
    message.status = status
    message.status_at = at
    if status == "failed":
        message.error_code = error_code
        message.error_title = error_title
    return StatusChange(
        message.wamid, message.wa_id, message.kind, message.notification_id, error_code
    )


# --- operations ---------------------------------------------------------------------------


def summary(*, session: Session) -> dict[str, dict[str, int]]:
    """How many events and sent messages are in each status."""
    messages = session.execute(
        select(WhatsAppMessage.status, func.count()).group_by(WhatsAppMessage.status)
    ).all()
    return {
        "events": EVENTS.counts(session=session),
        "messages": {status: int(n) for status, n in messages},
    }


def retry_failed(*, session: Session, now: datetime | None = None) -> int:
    """Failed events back to pending (after the cause, e.g. a bad token, was fixed)."""
    return EVENTS.retry_failed(session=session, now=now)


def purge_events(*, session: Session, before: datetime) -> int:
    """Delete processed raw events received before `before`: they hold phone numbers
    and message texts, kept only as long as they are useful for investigation."""
    result = session.execute(
        delete(WhatsAppEvent).where(
            WhatsAppEvent.status == DONE, WhatsAppEvent.received_at < before
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
