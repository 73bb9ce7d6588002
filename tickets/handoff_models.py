"""Handoff tables: a citizen asked for a person; staff answer through the outbox.

One request per citizen chat while it is active (open or answered): a repeated
request adds its message to it. Texts are stored PII-masked, like the message log.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base
from core.timestamps import UTCDateTime, utcnow
from tickets.models import Citizen, StaffUser


class HandoffStatus(StrEnum):
    OPEN = "open"  # waiting for staff
    ANSWERED = "answered"  # staff replied; more replies and citizen messages may follow
    CLOSED = "closed"  # done: a new request starts a new row


ACTIVE_STATUSES = (HandoffStatus.OPEN, HandoffStatus.ANSWERED)


class HandoffAuthor(StrEnum):
    CITIZEN = "citizen"
    STAFF = "staff"


class HandoffRequest(Base):
    __tablename__ = "handoff_request"
    __table_args__ = (Index("ix_handoff_request_chat", "channel", "user_key", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"), index=True)
    # The chat the answer goes back to: the channel and the user's key on it.
    channel: Mapped[str] = mapped_column(String(32))
    user_key: Mapped[str] = mapped_column(String(128))
    # The region whose operators answer; None: province level (admins).
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=HandoffStatus.OPEN, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the latest answer
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    citizen: Mapped[Citizen] = relationship()
    answered_by: Mapped[StaffUser | None] = relationship()
    messages: Mapped[list[HandoffMessage]] = relationship(
        back_populates="request", order_by="HandoffMessage.id", cascade="all, delete-orphan"
    )


class HandoffMessage(Base):
    """One message of the exchange: the citizen's (masked) or a staff member's answer."""

    __tablename__ = "handoff_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("handoff_request.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str] = mapped_column(String(16))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    request: Mapped[HandoffRequest] = relationship(back_populates="messages")
    staff: Mapped[StaffUser | None] = relationship()
