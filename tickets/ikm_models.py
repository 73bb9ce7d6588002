"""IKM survey answers (tickets/ikm.py): one answer per ticket and element, 1-4."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base
from core.timestamps import UTCDateTime, utcnow


class IkmAnswer(Base):
    __tablename__ = "ikm_answer"
    __table_args__ = (UniqueConstraint("ticket_id", "element"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    # The agency that served the citizen (the ticket's when answered): IKM is per OPD.
    agency_code: Mapped[str | None] = mapped_column(String(64), index=True)
    element: Mapped[str] = mapped_column(String(4))  # U1..U9
    score: Mapped[int] = mapped_column(Integer)  # 1..4
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
