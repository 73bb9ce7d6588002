"""Queues ordered by conversation: several workers, each conversation still in order."""

from __future__ import annotations

import sys
import threading
import warnings
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Integer, String, create_engine, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import NullPool

from core.db import session_factory, transaction
from core.jobqueue import JobQueue
from core.retry import RetryPolicy
from core.timestamps import UTCDateTime, utcnow
from tests.conftest import backend_of


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


def _runs(session: Any | None = None, limit: int = 20) -> list[list[int]]:
    def take(session: Any) -> list[list[int]]:
        runs = QUEUE.claim_runs(session=session, pick=lambda found: found, limit=limit)
        return [[row.id for row in run] for run in runs]

    if session is not None:
        return take(session)
    with transaction() as own:
        return take(own)


def _not_due(job_id: int) -> None:
    with transaction() as session:
        row = session.get(Turn, job_id)
        assert row is not None
        row.next_attempt_at = utcnow() + timedelta(minutes=5)


@pytest.mark.usefixtures("turns")
def test_runs_take_each_free_conversation_up_to_its_first_job_not_due() -> None:
    a1, a2, a3, a4 = _add("a", "a", "a", "a")
    _not_due(a3)  # a retry waiting: a4 waits behind it
    [b1] = _add("b", status="working")  # being worked on (its lease runs): b2 waits
    _not_due(b1)
    [b2] = _add("b")
    [c1] = _add("c")
    [d1] = _add("d", status="failed")  # a dead letter holds nothing back
    [d2] = _add("d")
    assert sorted(_runs()) == sorted([[a1, a2], [c1], [d2]])
    assert _runs() == []  # a1, a2, c1, d2 are claimed now; b2 still waits for b1
    _finish(b1)
    assert _runs() == [[b2]]
    assert b1 < b2 and d1 < d2 and a3 < a4


def test_a_run_never_starts_behind_a_job_another_worker_holds(db: str, turns: None) -> None:
    if backend_of(db) != "postgresql":
        pytest.skip("SQLite serialises writers: a second claim waits instead of skipping")
    a1, a2 = _add("a", "a")
    [b1] = _add("b")
    make_session = session_factory()
    with make_session() as one, make_session() as two, one.begin(), two.begin():
        # Another worker's claim has a1 locked and not yet committed.
        one.execute(select(Turn).where(Turn.id == a1).with_for_update())
        two.execute(text("SET LOCAL lock_timeout = '2s'"))
        assert _runs(two) == [[b1]]  # a2 without a1 would overtake it
    assert a1 < a2


def _built_at_once(queue: JobQueue[Turn], threads: int = 4) -> tuple[list[str], list[str]]:
    """The claim query as `threads` threads build it at the same moment, and the
    warnings they raised."""
    barrier, built, now = threading.Barrier(threads), [], utcnow()

    def build() -> None:
        barrier.wait()
        built.append(str(queue._runs_query(now, (), (), 10)))

    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        started = [threading.Thread(target=build) for _ in range(threads)]
        for thread in started:
            thread.start()
        for thread in started:
            thread.join()
    # A ResourceWarning here is the garbage collector finishing an object another
    # test left (it runs on whatever thread allocates): not the claim's building.
    return built, [str(w.message) for w in warned if not issubclass(w.category, ResourceWarning)]


def test_workers_on_several_threads_all_build_the_same_claim() -> None:
    """The notification senders start together on their own threads: each must
    compare a job with the earlier ones of its conversation, never with itself (an
    alias whose columns were filled by two threads at once did, and claimed nothing)."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        for _ in range(30):
            # A new queue: a new alias, built as on start.
            built, warned = _built_at_once(replace(QUEUE))
            assert warned == []
            assert len(set(built)) == 1 and "test_jobqueue_turn_1.status" in built[0]
    finally:
        sys.setswitchinterval(interval)
