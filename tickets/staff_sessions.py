"""Login sessions of the staff workspace, stored server-side so they can end at once.

The browser holds a random token (the cookie); the table holds its SHA-256, so a
copy of the database does not log anyone in. A session ends at logout, when its
user is deactivated or gets a new password (revoke_all), after
workspace_session_idle_minutes without a request and after
workspace_session_max_hours in any case. `last_seen_at` is written at most once a
minute, not on every page.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from core.settings import get_settings
from core.timestamps import utcnow
from tickets.staff_models import StaffSession

TOUCH_EVERY = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(
    *, session: Session, staff_id: int, user_agent: str | None = None, now: datetime | None = None
) -> tuple[str, StaffSession]:
    """A new session; returns the token for the cookie (shown only this once)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    row = StaffSession(
        token_hash=_digest(token),
        staff_id=staff_id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        user_agent=(user_agent or "")[:255] or None,
    )
    session.add(row)
    session.flush()
    return token, row


def find_session(
    *, session: Session, token: str, now: datetime | None = None, touch: bool = True
) -> StaffSession | None:
    """The live session of `token` (its user active), touched; None otherwise.

    touch=False for what a page does by itself (the queue's periodic reload): an
    open tab nobody looks at must not keep a session alive past its idle limit."""
    if not token or len(token) > 128:
        return None
    now = now or utcnow()
    row = session.scalar(select(StaffSession).where(StaffSession.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None or not row.staff.active:
        return None
    settings = get_settings()
    if now - row.last_seen_at > timedelta(minutes=settings.workspace_session_idle_minutes):
        return None
    if now - row.created_at > timedelta(hours=settings.workspace_session_max_hours):
        return None
    if touch and now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return row


def revoke(*, session: Session, session_id: int, now: datetime | None = None) -> None:
    session.execute(
        update(StaffSession)
        .where(StaffSession.id == session_id, StaffSession.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
    )


def revoke_all(*, session: Session, staff_id: int, now: datetime | None = None) -> int:
    result = session.execute(
        update(StaffSession)
        .where(StaffSession.staff_id == staff_id, StaffSession.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def purge_ended(*, session: Session, now: datetime | None = None) -> int:
    """Delete the sessions that can no longer be used (revoked, idle past the limit,
    or older than the maximum age); `logs purge` runs it."""
    now = now or utcnow()
    settings = get_settings()
    result = session.execute(
        delete(StaffSession).where(
            StaffSession.revoked_at.is_not(None)
            | (
                StaffSession.last_seen_at
                < now - timedelta(minutes=settings.workspace_session_idle_minutes)
            )
            | (
                StaffSession.created_at
                < now - timedelta(hours=settings.workspace_session_max_hours)
            )
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
