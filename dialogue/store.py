"""Conversation persistence: lock and load, detect redelivered updates, save, log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dialogue.models import Conversation, MessageLog, ProcessedUpdate

# The message log keeps what users sent; absurdly long texts are cut to keep rows sane.
MAX_LOGGED_TEXT = 20_000


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


def log_message(
    *,
    session: Session,
    conversation: Conversation,
    direction: str,
    payload: dict[str, Any],
    update_id: str | None = None,
) -> None:
    text = payload.get("text")
    if isinstance(text, str) and len(text) > MAX_LOGGED_TEXT:
        payload = {**payload, "text": text[:MAX_LOGGED_TEXT], "truncated_from": len(text)}
    session.add(
        MessageLog(
            conversation_id=conversation.id,
            direction=direction,
            update_id=update_id,
            payload=payload,
        )
    )
