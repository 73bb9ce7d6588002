"""The last messages of a citizen's conversation, from the message log (already
PII-masked there): what staff read beside a handoff request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialogue.models import Conversation, MessageLog


@dataclass(frozen=True)
class LoggedMessage:
    direction: str  # "in" (the citizen) / "out" (the bot)
    kind: str  # text, photo, location, button, other
    text: str | None
    at: datetime


def _from_row(row: MessageLog) -> LoggedMessage:
    payload = row.payload or {}
    if row.direction == "out":
        return LoggedMessage("out", "text", payload.get("text"), row.created_at)
    inbound = payload.get("inbound") or {}
    for kind in ("photo", "location"):
        if inbound.get(kind):
            return LoggedMessage("in", kind, inbound.get("text"), row.created_at)
    if inbound.get("text"):
        return LoggedMessage("in", "text", inbound["text"], row.created_at)
    if inbound.get("button_payload"):
        return LoggedMessage("in", "button", inbound["button_payload"], row.created_at)
    return LoggedMessage("in", "other", None, row.created_at)


def recent_messages(
    *, session: Session, channel: str, user_key: str, limit: int = 12
) -> list[LoggedMessage]:
    """The conversation's last `limit` logged messages, oldest first."""
    conversation_id = session.scalar(
        select(Conversation.id).where(
            Conversation.channel == channel, Conversation.user_key == user_key
        )
    )
    if conversation_id is None:
        return []
    rows = session.scalars(
        select(MessageLog)
        .where(MessageLog.conversation_id == conversation_id)
        .order_by(MessageLog.id.desc())
        .limit(limit)
    )
    return [_from_row(row) for row in reversed(list(rows))]
