"""Conversation persistence: lock and load, detect redelivered updates, save, log.

A turn runs a handful of statements here, none in a savepoint: the conversation
row (locked), the redelivery guard (one INSERT that skips a duplicate), the
state UPDATE and the turn's message log rows in one INSERT.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from core.bulk import insert_unless_present, table_of
from dialogue.models import Conversation, MessageLog, ProcessedUpdate

# The message log keeps what was said, masked (the engine masks); a text longer than
# this is cut and marked with its full length, so one huge payload cannot bloat the table.
MAX_LOGGED_TEXT = 4_000
TRUNCATED_KEY = "truncated_from"
# Redelivery guard ids are kept at least this long whatever the retention asked:
# Meta retries a webhook for up to 7 days, Telegram keeps an update for 24 hours.
MIN_PROCESSED_UPDATE_DAYS = 7
# Where the conversation row keeps the arrival times of the last minute's messages.
ARRIVALS_KEY = "arrivals"


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
    # A new user: the row comes back from its INSERT (and stays ours until commit).
    # Another worker creating the same row makes the insert wait for it and skip;
    # then the select takes that row and waits for its lock.
    created = session.scalars(
        insert_unless_present(session, Conversation)
        .values(channel=channel, user_key=user_key, state={}, events=[], version=1)
        .returning(Conversation)
    ).first()
    return created if created is not None else session.scalars(query).one()


def mark_processed(*, session: Session, conversation: Conversation, update_id: str) -> bool:
    """Record the update id; False if it was processed before (a redelivery)."""
    table = table_of(ProcessedUpdate)
    inserted = session.execute(
        insert_unless_present(session, table).returning(table.c.id),
        {"channel": conversation.channel, "update_id": update_id,
         "conversation_id": conversation.id},
    ).first()  # fmt: skip
    return inserted is not None


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
    *,
    session: Session,
    conversation: Conversation,
    state: dict[str, Any],
    events: list[Any],
    arrivals: list[float],
) -> None:
    """One UPDATE of the row: the tracker's state, its events and `arrivals_within`."""
    conversation.state = {**state, ARRIVALS_KEY: arrivals}
    conversation.events = events
    session.flush()


def arrivals_within(
    *, conversation: Conversation, now: datetime, window: timedelta, keep: int
) -> list[float]:
    """The arrival times (POSIX seconds) of this conversation's messages within
    `window` before `now`, this one included, the latest `keep` of them. Kept on
    the conversation row (`save_state` writes them), which the turn locks and
    writes anyway, so counting costs no query."""
    stamp = now.timestamp()
    since = stamp - window.total_seconds()
    recent = [float(t) for t in (conversation.state or {}).get(ARRIVALS_KEY) or () if t > since]
    return [*recent, stamp][-keep:]


def bounded(section: dict[str, Any]) -> dict[str, Any]:
    """The section with its "text" cut to MAX_LOGGED_TEXT, marked with the full length."""
    text = section.get("text")
    if isinstance(text, str) and len(text) > MAX_LOGGED_TEXT:
        return {**section, "text": text[:MAX_LOGGED_TEXT], TRUNCATED_KEY: len(text)}
    return section


def log_row(
    *,
    conversation: Conversation,
    direction: str,
    payload: dict[str, Any],
    update_id: str | None = None,
) -> dict[str, Any]:
    """One message of the log, for `write_log`; texts (top level and the inbound's)
    are bounded."""
    payload = bounded(payload)
    if isinstance(payload.get("inbound"), dict):
        payload = {**payload, "inbound": bounded(payload["inbound"])}
    return {"conversation_id": conversation.id, "direction": direction,
            "update_id": update_id, "payload": payload}  # fmt: skip


def write_log(*, session: Session, rows: list[dict[str, Any]]) -> None:
    """A turn's log rows in one INSERT (executemany), in order: nothing pending in
    the session meanwhile, so the actions' queries flush nothing."""
    if rows:  # on the table (Core): cheaper than an ORM bulk insert, on every turn
        session.execute(insert(table_of(MessageLog)), rows)


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
