"""Queues ordered by conversation: several workers, each conversation still in order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Integer, String, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import NullPool

from core.db import transaction
from core.jobqueue import JobQueue, RetryPolicy
from core.timestamps import UTCDateTime, utcnow


class _TestBase(DeclarativeBase):
    """Kept out of core.db.Base so migrations and the schema checks never see it."""


class Turn(_TestBase):
    __tablename__ = "test_jobqueue_turn"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


QUEUE = JobQueue(
    Turn,
    policy=RetryPolicy(first_delay=timedelta(seconds=10), max_attempts=3),
    claimed="working",
    done="done",
    lease=timedelta(minutes=5),
    ordered_by="conversation",
)


@pytest.fixture
def turns(db: str) -> Iterator[None]:
    engine = create_engine(db, poolclass=NullPool)
    _TestBase.metadata.create_all(engine)
    try:
        yield
    finally:
        _TestBase.metadata.drop_all(engine)
        engine.dispose()


def _add(*conversations: str | None, status: str = "pending") -> list[int]:
    with transaction() as session:
        rows = [Turn(conversation=c, status=status) for c in conversations]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def _claim() -> list[int]:
    with transaction() as session:
        return [row.id for row in QUEUE.claim(session=session, limit=10)]


def _finish(job_id: int) -> None:
    with transaction() as session:
        QUEUE.finish(session=session, job_id=job_id)


@pytest.mark.usefixtures("turns")
def test_one_conversation_waits_for_its_earlier_turn_others_go_on() -> None:
    a1, b1, a2, b2, loose = _add("a", "b", "a", "b", None)
    assert _claim() == [a1, b1, loose]  # the first of each, and the unordered one
    assert _claim() == []  # a2 and b2 wait while a1 and b1 are worked on
    _finish(a1)
    assert _claim() == [a2]  # b2 still waits for b1
    _finish(b1)
    assert _claim() == [b2]


@pytest.mark.usefixtures("turns")
def test_a_retried_turn_still_holds_back_the_next_one() -> None:
    a1, _a2 = _add("a", "a")
    assert _claim() == [a1]
    with transaction() as session:
        QUEUE.retry(session=session, job_id=a1, error="database went away", now=utcnow())
    assert _claim() == []  # a1 is pending again (later): a2 must not overtake it


@pytest.mark.usefixtures("turns")
def test_a_dead_letter_does_not_block_its_conversation_for_ever() -> None:
    [dead] = _add("a", status="failed")
    [later] = _add("a")
    assert dead < later
    assert _claim() == [later]
