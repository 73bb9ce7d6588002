"""Messages to many staff contacts at once (the SLA sweep's escalations, the leaders'
digest): the recipients in one query, the messages in one conflict-ignoring INSERT
instead of a SELECT and an INSERT per contact.

The dedupe keys are notify_staff's (tickets.notifications.staff_dedupe_key): a
message queued by either way is never queued again by the other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.bulk import insert_ignoring
from core.timestamps import utcnow
from tickets.models import Notification, StaffContact, StaffUser
from tickets.notifications import PENDING, staff_dedupe_key


@dataclass(frozen=True)
class Recipient:
    """One contact of an active staff member, with what decides whom they supervise."""

    staff_id: int
    role: str
    region_code: str | None
    agency_code: str | None
    channel: str
    user_key: str


def recipients(
    *, session: Session, roles: Sequence[str], regions: Iterable[str | None] | None = None
) -> list[Recipient]:
    """Every contact of the active staff of `roles`; with `regions`, only of staff
    without a region (province-wide) or in one of them."""
    query = (
        select(
            StaffUser.id,
            StaffUser.role,
            StaffUser.region_code,
            StaffUser.agency_code,
            StaffContact.channel,
            StaffContact.user_key,
        )
        .join(StaffContact, StaffContact.staff_id == StaffUser.id)
        .where(StaffUser.active.is_(True), StaffUser.role.in_(roles))
        .order_by(StaffUser.id, StaffContact.id)
    )
    if regions is not None:
        codes = sorted({code for code in regions if code is not None})
        query = query.where(or_(StaffUser.region_code.is_(None), StaffUser.region_code.in_(codes)))
    return [Recipient(*row) for row in session.execute(query)]


@dataclass(frozen=True)
class StaffMessage:
    to: Recipient
    response: str
    variables: dict[str, Any]
    key: str  # the message's own key; with the contact it makes the dedupe key


def queue_staff_messages(*, session: Session, messages: Sequence[StaffMessage]) -> int:
    """Queue each message not queued before; returns how many were."""
    now = utcnow()
    rows = [
        {
            "ticket_id": None,
            "channel": m.to.channel,
            "user_key": m.to.user_key,
            "response": m.response,
            "variables": m.variables,
            "dedupe_key": staff_dedupe_key(m.key, m.to.staff_id, m.to.channel, m.to.user_key),
            "status": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for m in messages
    ]
    return len(insert_ignoring(session, Notification, rows, returning=(Notification.id,)))
