"""WhatsApp tables: raw webhook events, messages we sent, and each user's 24-hour window."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base
from core.timestamps import UTCDateTime, utcnow


class WhatsAppEvent(Base):
    """A webhook body exactly as Meta posted it, kept before anything is processed
    so that a crash loses nothing. `body_sha256` makes an identical redelivery a
    no-op; the messages inside are also deduplicated by id in the engine."""

    __tablename__ = "whatsapp_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    body_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    body: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(255))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The sender of the body's first message (None: statuses only): the processors
    # take one sender's events in order, different senders' side by side.
    conversation_key: Mapped[str | None] = mapped_column(String(64), index=True)


class WhatsAppMessage(Base):
    """A message we sent, by its WhatsApp id; status webhooks update it."""

    __tablename__ = "whatsapp_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wamid: Mapped[str] = mapped_column(String(128), unique=True)
    wa_id: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # text / interactive / location / template ...
    notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notification.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="accepted")
    error_code: Mapped[int | None] = mapped_column(Integer)
    error_title: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WhatsAppWindow(Base):
    """When a user last wrote to us: free-form messages are allowed for 24 hours after."""

    __tablename__ = "whatsapp_window"

    wa_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_inbound_at: Mapped[datetime] = mapped_column(UTCDateTime())
