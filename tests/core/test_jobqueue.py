"""The generic job queue (core.jobqueue) on a test-only table, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

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


class Job(_TestBase):
    __tablename__ = "test_jobqueue_job"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="a")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(255))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


POLICY = RetryPolicy(
    first_delay=timedelta(seconds=10), max_attempts=4, max_delay=timedelta(seconds=30)
)
QUEUE = JobQueue(Job, policy=POLICY, claimed="working", done="done", done_at="done_at")


@pytest.fixture
def jobs(db: str) -> Iterator[str]:
    """The test table, created in the current backend's database and dropped after (the
    session database must keep matching the migrations)."""
    engine = create_engine(db, poolclass=NullPool)
    _TestBase.metadata.create_all(engine)
    try:
        yield db
    finally:
        _TestBase.metadata.drop_all(engine)
        engine.dispose()


def _add(*rows: Job) -> list[int]:
    with transaction() as session:
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def _get(job_id: int) -> Job:
    with transaction() as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


# --- the policy alone ---------------------------------------------------------------


def test_backoff_doubles_up_to_the_cap() -> None:
    delays = [POLICY.delay(attempts) for attempts in range(1, 6)]
    assert delays == [timedelta(seconds=s) for s in (10, 20, 30, 30, 30)]


def test_backoff_without_a_cap_keeps_doubling() -> None:
    policy = RetryPolicy(first_delay=timedelta(seconds=10), max_attempts=9)
    assert policy.delay(7) == timedelta(seconds=640)


def test_floor_delay_wins_only_when_longer() -> None:
    assert POLICY.delay(1, floor=timedelta(seconds=25)) == timedelta(seconds=25)
    assert POLICY.delay(3, floor=timedelta(seconds=5)) == timedelta(seconds=30)
    assert POLICY.delay(1, floor=None) == timedelta(seconds=10)


def test_attempts_are_exhausted_at_the_maximum() -> None:
    assert [POLICY.exhausted(n) for n in (3, 4, 5)] == [False, True, True]


# --- the queue on a table -----------------------------------------------------------


def test_claim_takes_due_rows_oldest_first_with_limit_and_filter(jobs: str) -> None:
    now = utcnow()
    ids = _add(
        Job(kind="a", next_attempt_at=now - timedelta(seconds=1)),
        Job(kind="b", next_attempt_at=now - timedelta(minutes=5)),
        Job(kind="a", next_attempt_at=now + timedelta(minutes=1)),  # not yet due
        Job(kind="a", next_attempt_at=now - timedelta(hours=1)),
        Job(kind="a", status="done", next_attempt_at=now - timedelta(hours=1)),
    )
    with transaction() as session:
        first = QUEUE.claim(session=session, limit=1, now=now, where=(Job.kind == "a",))
        assert [j.id for j in first] == [ids[0]]  # by id, not by due time
        rest = QUEUE.claim(session=session, limit=10, now=now, where=(Job.kind == "a",))
        assert [j.id for j in rest] == [ids[3]]
        assert [(j.status, j.attempts) for j in first + rest] == [("working", 1)] * 2
        assert [j.id for j in QUEUE.claim(session=session, limit=10, now=now)] == [ids[1]]
    assert _get(ids[2]).status == "pending"
    assert _get(ids[3]).status == "working"  # the claim was committed


def test_claim_skips_rows_locked_by_another_worker(jobs: str) -> None:
    if backend_of(jobs) != "postgresql":
        pytest.skip("SQLite serialises writers: a second claim waits instead of skipping")
    ids = _add(Job(), Job(), Job())
    make_session = session_factory()
    with make_session() as one, make_session() as two, one.begin(), two.begin():
        mine = QUEUE.claim(session=one, limit=1)
        # Without SKIP LOCKED the second claim would wait on ids[0]: fail instead of hanging.
        two.execute(text("SET LOCAL lock_timeout = '2s'"))
        theirs = QUEUE.claim(session=two, limit=10)
        assert [j.id for j in mine] == [ids[0]]
        assert [j.id for j in theirs] == ids[1:]
    assert {_get(i).status for i in ids} == {"working"}


def test_retry_backs_off_exponentially_then_fails(jobs: str) -> None:
    [job_id] = _add(Job())
    now = utcnow()
    delays, statuses = [], []
    for _ in range(POLICY.max_attempts):
        with transaction() as session:
            [job] = QUEUE.claim(session=session, limit=1, now=now + timedelta(days=1))
            status = QUEUE.retry(session=session, job_id=job_id, error="boom", now=now)
            statuses.append(status)
            if status == "pending":
                delays.append(job.next_attempt_at - now)
    assert statuses == ["pending", "pending", "pending", "failed"]
    assert delays == [timedelta(seconds=s) for s in (10, 20, 30)]
    job = _get(job_id)
    assert (job.status, job.attempts, job.last_error) == ("failed", 4, "boom")


def test_retry_honours_a_floor_delay(jobs: str) -> None:
    [job_id] = _add(Job())
    now = utcnow()
    with transaction() as session:
        QUEUE.claim(session=session, limit=1, now=now)
        status = QUEUE.retry(
            session=session, job_id=job_id, error="slow down", floor=timedelta(minutes=2), now=now
        )
    job = _get(job_id)
    assert status == "pending" and job.next_attempt_at == now + timedelta(minutes=2)
    with transaction() as session:  # not due before the floor has passed
        assert QUEUE.claim(session=session, limit=1, now=now + timedelta(minutes=1)) == []


def test_retry_of_an_unknown_job_reports_failed(jobs: str) -> None:
    with transaction() as session:
        assert QUEUE.retry(session=session, job_id=12345, error="gone") == "failed"


def test_finish_and_fail_settle_a_claim(jobs: str) -> None:
    done_id, failed_id = _add(Job(last_error="earlier"), Job())
    now = utcnow()
    with transaction() as session:
        QUEUE.claim(session=session, limit=2, now=now)
        QUEUE.finish(session=session, job_id=done_id, now=now)
        QUEUE.fail(session=session, job_id=failed_id, error="x" * 300)
    done, failed = _get(done_id), _get(failed_id)
    assert (done.status, done.done_at, done.last_error) == ("done", now, None)
    assert (failed.status, failed.last_error) == ("failed", "x" * 255)


def test_interrupted_claims_are_requeued_keeping_their_attempts(jobs: str) -> None:
    claimed_id, pending_id, done_id = _add(Job(), Job(), Job(status="done"))
    with transaction() as session:
        QUEUE.claim(session=session, limit=1)
    with transaction() as session:
        assert QUEUE.requeue_claimed(session=session) == 1
        assert QUEUE.requeue_claimed(session=session) == 0
    statuses = {i: (_get(i).status, _get(i).attempts) for i in (claimed_id, pending_id, done_id)}
    assert statuses == {
        claimed_id: ("pending", 1),
        pending_id: ("pending", 0),
        done_id: ("done", 0),
    }


def test_stale_claims_are_listed(jobs: str) -> None:
    now = utcnow()
    old_id, recent_id = _add(
        Job(next_attempt_at=now - timedelta(hours=1)), Job(next_attempt_at=now)
    )
    with transaction() as session:
        QUEUE.claim(session=session, limit=2, now=now)
    with transaction() as session:
        stale = QUEUE.stale_claims(session=session, older_than=timedelta(minutes=10), now=now)
        assert [j.id for j in stale] == [old_id]
        assert session.scalars(select(Job.id).where(Job.status == "working")).all() == [
            old_id,
            recent_id,
        ]


# --- the two real queues keep their own limits ---------------------------------------


def test_the_outbox_and_the_whatsapp_queue_keep_their_limits() -> None:
    from channels.whatsapp.store import EVENTS
    from tickets.notifications import OUTBOX

    outbox = [OUTBOX.policy.delay(n) for n in range(1, OUTBOX.policy.max_attempts)]
    assert outbox == [timedelta(seconds=s) for s in (15, 30, 60, 120, 240, 480, 960)]
    assert OUTBOX.policy.delay(20) == timedelta(hours=1)  # the cap, should attempts grow
    assert OUTBOX.policy.delay(1, floor=timedelta(minutes=5)) == timedelta(minutes=5)
    assert (OUTBOX.policy.max_attempts, OUTBOX.claimed, OUTBOX.done) == (8, "sending", "sent")

    events = [EVENTS.policy.delay(n) for n in range(1, EVENTS.policy.max_attempts)]
    assert events == [timedelta(seconds=s) for s in (10, 20, 40, 80)]
    assert EVENTS.policy.max_delay is None
    assert (EVENTS.policy.max_attempts, EVENTS.claimed, EVENTS.done) == (5, "processing", "done")
