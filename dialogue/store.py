"""Conversation persistence: lock and load, detect redelivered updates, save, log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dialogue.models import Conversation, MessageLog, ProcessedUpdate

# The message log keeps what was said, masked (the engine masks); a text longer than
# this is cut and marked with its full length, so one huge payload cannot bloat the table.
MAX_LOGGED_TEXT = 4_000
TRUNCATED_KEY = "truncated_from"
# Redelivery guard ids are kept at least this long whatever the retention asked:
# Meta retries a webhook for up to 7 days, Telegram keeps an update for 24 hours.
MIN_PROCESSED_UPDATE_DAYS = 7


def lock_conversation(*, session: Session, channel: str, user_key: str) -> Conversation:
    """The conversation row, locked until commit so one user's messages run in order."""
    query = (
        select(Conversation)
        .where(Conversation.channel == channel, Conversation.user_key == user_key)
        .with_for_update()
    )
    conversation = session.scalars(query).first()
    if conversation is not None:
        return conversation
    try:
        with session.begin_nested():
            conversation = Conversation(channel=channel, user_key=user_key, state={}, events=[])
            session.add(conversation)
    except IntegrityError:
        # Another worker created it first: take theirs (and wait for its lock).
        return session.scalars(query).one()
    return conversation


def mark_processed(*, session: Session, conversation: Conversation, update_id: str) -> bool:
    """Record the update id; False if it was processed before (a redelivery)."""
    try:
        with session.begin_nested():
            session.add(
                ProcessedUpdate(
                    channel=conversation.channel,
                    update_id=update_id,
                    conversation_id=conversation.id,
                )
            )
    except IntegrityError:
        return False
    return True


def was_processed(*, session: Session, channel: str, update_id: str) -> bool:
    """Whether the update was handled before (lets a channel skip work such as
    downloads for a redelivery; `mark_processed` stays the guard)."""
    query = select(ProcessedUpdate.id).where(
        ProcessedUpdate.channel == channel, ProcessedUpdate.update_id == update_id
    )
    return session.scalar(query) is not None


def offer_buttons(
    *, session: Session, channel: str, user_key: str, buttons: list[dict[str, str]]
) -> bool:
    """A message sent outside a turn (ticket news) offered `buttons`: a typed number
    or label ("5", "belum beres") now answers it, as a tap would. Not while a form
    waits for its answer (its own buttons stay). True when the buttons were kept."""
    query = (
        select(Conversation)
        .where(Conversation.channel == channel, Conversation.user_key == user_key)
        .with_for_update()
    )
    conversation = session.scalars(query).first()
    if conversation is None or not buttons or (conversation.state or {}).get("active_loop"):
        return False
    conversation.state = {**(conversation.state or {}), "last_buttons": buttons}
    session.flush()
    return True


def save_state(
    *, session: Session, conversation: Conversation, state: dict[str, Any], events: list[Any]
) -> None:
    conversation.state = state
    conversation.events = events
    session.flush()


def updates_since(*, session: Session, conversation: Conversation, since: datetime) -> int:
    """How many messages of this conversation arrived since `since` (this one included)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(ProcessedUpdate)
            .where(
                ProcessedUpdate.conversation_id == conversation.id,
                ProcessedUpdate.created_at >= since,
            )
        )
        or 0
    )


def bounded(section: dict[str, Any]) -> dict[str, Any]:
    """The section with its "text" cut to MAX_LOGGED_TEXT, marked with the full length."""
    text = section.get("text")
    if isinstance(text, str) and len(text) > MAX_LOGGED_TEXT:
        return {**section, "text": text[:MAX_LOGGED_TEXT], TRUNCATED_KEY: len(text)}
    return section


def log_message(
    *,
    session: Session,
    conversation: Conversation,
    direction: str,
    payload: dict[str, Any],
    update_id: str | None = None,
) -> None:
    """Store one message of the log; texts (top level and the inbound's) are bounded."""
    payload = bounded(payload)
    if isinstance(payload.get("inbound"), dict):
        payload = {**payload, "inbound": bounded(payload["inbound"])}
    session.add(
        MessageLog(
            conversation_id=conversation.id,
            direction=direction,
            update_id=update_id,
            payload=payload,
        )
    )


@dataclass(frozen=True)
class Purged:
    messages: int
    updates: int


def purge_logs(*, session: Session, before: datetime, now: datetime) -> Purged:
    """Delete message log rows older than `before`, and redelivery guard ids older
    than `before` but never younger than MIN_PROCESSED_UPDATE_DAYS (a platform may
    still redeliver those; anything older is no real redelivery)."""
    guard_before = min(before, now - timedelta(days=MIN_PROCESSED_UPDATE_DAYS))
    messages = session.execute(delete(MessageLog).where(MessageLog.created_at < before))
    updates = session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.created_at < guard_before)
    )
    return Purged(
        messages=int(getattr(messages, "rowcount", 0) or 0),
        updates=int(getattr(updates, "rowcount", 0) or 0),
    )
