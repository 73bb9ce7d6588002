"""The notification outbox: tickets write here, channel workers deliver.

Delivery is at most once: a worker claims due rows (status "sending") in one
transaction, sends, then records the outcome. A worker that dies between sending
and recording leaves the row in "sending"; it is never sent again (a duplicate
message is worse than a missing one, which the citizen can still see with
"status"), and `stale_sending` lists such rows for the operators.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.jobqueue import ERROR_LENGTH, JobQueue, RetryPolicy
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
)


def enqueue(
    *,
    session: Session,
    channel: str,
    user_key: str,
    response: str,
    variables: dict[str, Any],
    dedupe_key: str,
    ticket_id: int | None = None,
) -> Notification | None:
    """Queue one message, unless `dedupe_key` was queued before (then None)."""
    if session.scalar(select(Notification.id).where(Notification.dedupe_key == dedupe_key)):
        return None
    notification = Notification(
        ticket_id=ticket_id,
        channel=channel,
        user_key=user_key,
        response=response,
        variables=variables,
        dedupe_key=dedupe_key,
        status=PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    session.add(notification)
    return notification


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


def notify_staff(
    *,
    session: Session,
    staff: StaffUser,
    response: str,
    variables: dict[str, Any],
    key: str,
) -> Notification | None:
    """A message for a staff member's Telegram chat; None when they have no chat or
    `key` was already notified."""
    if staff.telegram_user_id is None or not staff.active:
        return None
    return enqueue(
        session=session,
        channel="telegram",
        user_key=str(staff.telegram_user_id),
        response=response,
        variables=variables,
        dedupe_key=f"{key}:staff:{staff.id}",
    )


def claim_due(
    *, session: Session, channel: str, limit: int = 50, now: datetime | None = None
) -> list[Notification]:
    """Due pending notifications of `channel`, marked "sending" (oldest first)."""
    return OUTBOX.claim(
        session=session, limit=limit, now=now, where=(Notification.channel == channel,)
    )


def mark_sent(*, session: Session, notification_id: int, now: datetime | None = None) -> None:
    OUTBOX.finish(session=session, job_id=notification_id, now=now)


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


def stale_sending(
    *, session: Session, older_than: timedelta = timedelta(minutes=10)
) -> Sequence[Notification]:
    """Rows a worker claimed but never settled (it died mid-send)."""
    return OUTBOX.stale_claims(session=session, older_than=older_than)
