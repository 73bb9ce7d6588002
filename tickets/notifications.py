"""The notification outbox: tickets write here, channel workers deliver.

Delivery is at least once: a worker claims a due row (status "sending"), sends,
then records the outcome. A worker that dies between sending and recording leaves
the row "sending": it is sent again when its lease runs out, or at once when the
channel's worker starts again. The one duplicate that can follow is better than
a citizen who never gets their ticket number, which is what a reply carries.

Each chat's rows go in order: a row is claimed only when no earlier row of its chat
waits or is being sent, and with it the chat's next due rows (one claim per chat
and round, many chats per claim).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.bulk import insert_unless_present, table_of
from core.jobqueue import ERROR_LENGTH, JobQueue
from core.retry import RetryPolicy
from core.settings import get_settings
from core.timestamps import utcnow
from tickets.models import Contact, Notification, StaffUser, Ticket

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
BLOCKED = "blocked"

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=15)
MAX_RETRY = timedelta(hours=1)

OUTBOX = JobQueue(
    Notification,
    policy=RetryPolicy(first_delay=FIRST_RETRY, max_attempts=MAX_ATTEMPTS, max_delay=MAX_RETRY),
    claimed=SENDING,
    done=SENT,
    pending=PENDING,
    failed=FAILED,
    done_at="sent_at",
    lease=timedelta(minutes=5),
    ordered_by=("channel", "user_key"),
)


@dataclass(frozen=True)
class Pin:
    """A map pin sent beside the text."""

    latitude: float
    longitude: float
    title: str
    address: str


@dataclass(frozen=True)
class Extras:
    """What a message carries beside its text (staff alerts): buttons
    ({"title", "payload"}), a photo relative to MEDIA_DIR, a map pin."""

    buttons: list[dict[str, str]] = field(default_factory=list)
    attachment_path: str | None = None
    venue: Pin | None = None


def enqueue(
    *,
    session: Session,
    channel: str,
    user_key: str,
    response: str,
    variables: dict[str, Any],
    dedupe_key: str,
    ticket_id: int | None = None,
    extras: Extras | None = None,
) -> Notification | None:
    """Queue one message, unless `dedupe_key` was queued before (then None).

    `variables` fill the text only; buttons, photo and pin go in `extras`."""
    if session.scalar(select(Notification.id).where(Notification.dedupe_key == dedupe_key)):
        return None
    extras = extras or Extras()
    venue = extras.venue
    notification = Notification(
        ticket_id=ticket_id,
        channel=channel,
        user_key=user_key,
        response=response,
        variables=variables,
        buttons=list(extras.buttons) or None,
        attachment_path=extras.attachment_path,
        venue_latitude=venue.latitude if venue else None,
        venue_longitude=venue.longitude if venue else None,
        venue_title=venue.title if venue else None,
        venue_address=venue.address if venue else None,
        dedupe_key=dedupe_key,
        status=PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    session.add(notification)
    return notification


def enqueue_replies(
    *,
    session: Session,
    channel: str,
    user_key: str,
    update_id: str,
    replies: Sequence[dict[str, Any]],
) -> None:
    """The engine's replies to one message, queued in the engine's own transaction
    (delivered in order by the channel's outbox worker, without pacing): one INSERT
    for them all, skipping a reply queued before (its dedupe key)."""
    if not replies:
        return
    seed = hashlib.sha256(f"{channel}\x00{user_key}\x00{update_id}".encode()).hexdigest()[:40]
    now = utcnow()
    rows = [
        {"channel": channel, "user_key": user_key, "response": "", "variables": {},
         "reply": dict(reply), "dedupe_key": f"reply:{seed}:{index}", "status": PENDING,
         "attempts": 0, "next_attempt_at": now}
        for index, reply in enumerate(replies)
    ]  # fmt: skip
    # On the table (Core): an ORM bulk insert costs several times more, on every turn.
    session.execute(insert_unless_present(session, table_of(Notification)), rows)


def notify_citizen(
    *,
    session: Session,
    ticket: Ticket,
    response: str,
    variables: dict[str, Any],
    event_key: str,
) -> list[Notification]:
    """One notification per reachable contact of the ticket's citizen and of its
    supporters.

    `event_key` names the event ("event:12"); with the contact it makes the
    dedupe key, so replaying an event never notifies twice.
    """
    created = []
    citizens = [ticket.citizen, *(s.citizen for s in ticket.supporters)]
    for contact in (c for citizen in citizens for c in citizen.contacts):
        if contact.blocked_at is not None:
            continue
        notification = enqueue(
            session=session,
            channel=contact.channel,
            user_key=contact.user_key,
            response=response,
            variables=variables,
            dedupe_key=f"{event_key}:{contact.channel}:{contact.user_key}",
            ticket_id=ticket.id,
        )
        if notification is not None:
            created.append(notification)
    session.flush()
    return created


def staff_dedupe_key(key: str, staff_id: int, channel: str, user_key: str) -> str:
    """The dedupe key of the message `key` to one contact of one staff member."""
    return f"{key}:staff:{staff_id}:{channel}:{user_key}"


def notify_staff(
    *,
    session: Session,
    staff: StaffUser,
    response: str,
    variables: dict[str, Any],
    key: str,
) -> list[Notification]:
    """A message to each contact of an active staff member, on that contact's
    channel; none for contacts `key` was already sent to."""
    if not staff.active:
        return []
    queued = (
        enqueue(
            session=session,
            channel=contact.channel,
            user_key=contact.user_key,
            response=response,
            variables=variables,
            dedupe_key=staff_dedupe_key(key, staff.id, contact.channel, contact.user_key),
        )
        for contact in staff.contacts
    )
    return [n for n in queued if n is not None]


# Rows a claim reads per chat it may take (a chat's run is mostly one or two).
ROWS_PER_CHAT = 4


def claim_chats(
    *,
    session: Session,
    channel: str,
    chats: int,
    news: int,
    now: datetime | None = None,
    user_key: str | None = None,
) -> list[list[Notification]]:
    """Due notifications of up to `chats` chats of `channel` (of one `user_key` if
    given), marked "sending": each chat's first waiting row with the due rows after
    it, in order. Chats whose first row is a conversation reply come first; at most
    `news` of them start with ticket news or an alert. One SELECT and one UPDATE."""

    def pick(runs: list[list[Notification]]) -> list[list[Notification]]:
        replies = [run for run in runs if run[0].reply is not None]
        others = [run for run in runs if run[0].reply is None][: max(0, news)]
        return (replies + others)[:chats]

    where = [Notification.channel == channel]
    if user_key is not None:
        where.append(Notification.user_key == user_key)
    return OUTBOX.claim_runs(
        session=session, pick=pick, limit=chats * ROWS_PER_CHAT, now=now, where=where,
        order_by=(Notification.reply.is_(None),), lease=get_settings().queue_lease,
    )  # fmt: skip


def claim_due(
    *,
    session: Session,
    channel: str,
    limit: int = 50,
    now: datetime | None = None,
    user_key: str | None = None,
) -> list[Notification]:
    """The rows `claim_chats` claims for up to `limit` chats, oldest first."""
    runs = claim_chats(session=session, channel=channel, chats=limit, news=limit, now=now,
                       user_key=user_key)  # fmt: skip
    return sorted((row for run in runs for row in run), key=lambda row: row.id)


def mark_sent(*, session: Session, notification_id: int, now: datetime | None = None) -> None:
    OUTBOX.finish(session=session, job_id=notification_id, now=now)


def mark_sent_many(
    *, session: Session, notification_ids: Sequence[int], now: datetime | None = None
) -> None:
    OUTBOX.finish_many(session=session, job_ids=notification_ids, now=now)


def release(*, session: Session, notification_ids: Sequence[int]) -> None:
    """Claimed but not sent (an earlier message of the chat is to be retried first):
    back in the queue behind it."""
    OUTBOX.release_many(session=session, job_ids=notification_ids)


def retry_later(
    *,
    session: Session,
    notification_id: int,
    error: str,
    delay: timedelta | None = None,
    now: datetime | None = None,
) -> str:
    """Back to pending with exponential backoff (or the channel's `delay`); "failed"
    after MAX_ATTEMPTS. Returns the new status."""
    return OUTBOX.retry(session=session, job_id=notification_id, error=error, floor=delay, now=now)


def mark_failed(*, session: Session, notification_id: int, error: str) -> None:
    OUTBOX.fail(session=session, job_id=notification_id, error=error)


def mark_blocked(
    *, session: Session, notification_id: int, error: str, now: datetime | None = None
) -> None:
    """The user blocked the bot: this and their other pending notifications stop."""
    row = session.get(Notification, notification_id)
    if row is None:
        return
    now = now or utcnow()
    session.execute(
        update(Contact)
        .where(Contact.channel == row.channel, Contact.user_key == row.user_key)
        .values(blocked_at=now)
    )
    session.execute(
        update(Notification)
        .where(
            Notification.channel == row.channel,
            Notification.user_key == row.user_key,
            Notification.status.in_((PENDING, SENDING)),
        )
        .values(status=BLOCKED, last_error=error[:ERROR_LENGTH])
    )


def requeue_sending(*, session: Session, channel: str) -> int:
    """Rows of `channel` a dead worker left "sending": pending again (its worker is
    starting; one process serves a channel). Returns how many."""
    return OUTBOX.requeue_claimed(session=session, where=(Notification.channel == channel,))
