"""Telegram tables: every update as it arrived, kept before it is acknowledged."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base
from core.timestamps import UTCDateTime, utcnow


class TelegramUpdate(Base):
    """An update from the webhook or from getUpdates, stored before Telegram gets its
    200 (or before the next getUpdates confirms it), so a crash or a database outage
    loses nothing. `update_id` makes a redelivery a no-op."""

    __tablename__ = "telegram_update"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    body: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(255))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The chat the update belongs to: one chat's updates in order, chats side by side.
    conversation_key: Mapped[str | None] = mapped_column(String(64), index=True)
