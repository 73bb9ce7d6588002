"""Knowledge-base tables: questions the bot could not answer, for content editors."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base
from core.timestamps import UTCDateTime, utcnow

STATUS_OPEN = "open"


class UnansweredQuestion(Base):
    """A citizen question with no confident answer. Text is stored PII-masked."""

    __tablename__ = "unanswered_question"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    channel: Mapped[str] = mapped_column(String(32))
    # Where an operator's answer goes back to (chat id on that channel).
    user_key: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    best_topic: Mapped[str | None] = mapped_column(String(64))
    best_score: Mapped[float | None] = mapped_column(Float)
    forward_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=STATUS_OPEN, index=True)
