"""The Telegram update queue (table telegram_update) on core's job queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from channels.telegram.models import TelegramUpdate
from core.bulk import insert_new
from core.jobqueue import JobQueue
from core.retry import RetryPolicy
from core.settings import get_settings
from core.timestamps import utcnow

PENDING = "pending"
PROCESSING = "processing"
DONE = "done"
FAILED = "failed"

UPDATES = JobQueue(
    TelegramUpdate,
    policy=RetryPolicy(first_delay=timedelta(seconds=10), max_attempts=5),
    claimed=PROCESSING,
    done=DONE,
    pending=PENDING,
    failed=FAILED,
    done_at="processed_at",
    # Processing is idempotent (the engine dedupes update ids), so a claim whose
    # worker died is simply taken again.
    lease=timedelta(minutes=5),
    queued_at="received_at",
    ordered_by="conversation_key",
)


def update_id_of(data: Any) -> int:
    """The update's id; ValueError when `data` is no Telegram update."""
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    update_id = data.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise ValueError("no update_id")
    return update_id


def _chat_of(data: dict[str, Any]) -> str | None:
    """The chat an update belongs to (a message's, or a pressed button's message's)."""
    for kind in ("message", "edited_message", "callback_query"):
        part = data.get(kind)
        if not isinstance(part, dict):
            continue
        message = part.get("message", part) if kind == "callback_query" else part
        chat = message.get("chat") if isinstance(message, dict) else None
        if isinstance(chat, dict) and chat.get("id") is not None:
            return str(chat["id"])[:64]
        sender = part.get("from")
        if isinstance(sender, dict) and sender.get("id") is not None:
            return str(sender["id"])[:64]
    return None


def album_of(data: Any) -> str | None:
    """The album (media group) a message belongs to; None for a message alone."""
    message = data.get("message") if isinstance(data, dict) else None
    group = message.get("media_group_id") if isinstance(message, dict) else None
    return str(group) if group else None


def album_follows(*, session: Session, row_id: int, data: dict[str, Any]) -> bool:
    """The chat's next stored update is a photo of the same album as this one."""
    album, chat = album_of(data), _chat_of(data)
    if album is None or chat is None:
        return False
    body = session.scalar(
        select(TelegramUpdate.body)
        .where(
            TelegramUpdate.conversation_key == chat,
            TelegramUpdate.id > row_id,
            TelegramUpdate.status == PENDING,
        )
        .order_by(TelegramUpdate.id)
        .limit(1)
    )
    return album_of(body) == album


def record_update(*, session: Session, data: dict[str, Any]) -> int | None:
    """Keep one update; None when its update_id came before."""
    values: dict[str, Any] = {
        "update_id": update_id_of(data), "body": data, "status": PENDING,
        "conversation_key": _chat_of(data),
    }  # fmt: skip
    if album_of(data) is not None:  # let the rest of the album arrive first
        values["next_attempt_at"] = utcnow() + timedelta(seconds=get_settings().album_wait_seconds)
    row_id = insert_new(session, TelegramUpdate, values, unique="update_id")
    return int(row_id) if row_id is not None else None


@dataclass(frozen=True)
class ClaimedUpdate:
    id: int
    body: dict[str, Any]


def claim_updates(
    *, session: Session, limit: int = 20, now: datetime | None = None
) -> list[ClaimedUpdate]:
    """Due updates, oldest first (Telegram's order), marked "processing"."""
    rows = UPDATES.claim(session=session, limit=limit, now=now, lease=get_settings().queue_lease)
    return [ClaimedUpdate(r.id, r.body) for r in rows]


def finish_update(*, session: Session, row_id: int) -> None:
    UPDATES.finish(session=session, job_id=row_id)


def retry_update(*, session: Session, row_id: int, error: str) -> str:
    """Back to pending with backoff, or "failed" (a dead letter) after 5 attempts."""
    return UPDATES.retry(session=session, job_id=row_id, error=error)
