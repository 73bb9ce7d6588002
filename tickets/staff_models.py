"""Tables of the staff web workspace: login sessions, login attempts, response templates.

A session is a row, not a signed cookie, so it can be revoked (logout, a
deactivated account, a new password) and expires after inactivity; the cookie
holds a random token whose SHA-256 is stored. Login attempts are counted per
e-mail and per client address (tickets/accounts.py) in the database, so the limit
holds across processes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base
from core.timestamps import UTCDateTime, utcnow
from tickets.models import StaffUser


class StaffSession(Base):
    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    # Every form carries it (double submit is not enough: the cookie is HttpOnly).
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    user_agent: Mapped[str | None] = mapped_column(String(255))

    staff: Mapped[StaffUser] = relationship()


class LoginAttempt(Base):
    """One failed login, by e-mail and by client address (the rate limit's window)."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_email", "email", "at"),
        Index("ix_login_attempt_client", "client", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(255))
    client: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ResponseTemplate(Base):
    """A ready text staff pick for an action (reject, progress, resolve, message),
    for one category or (category None) for all. Seeded from
    tickets/response_templates.yml; admins edit them in the workspace."""

    __tablename__ = "response_template"
    __table_args__ = (Index("ix_response_template_action", "action", "category"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(32))
    category: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
