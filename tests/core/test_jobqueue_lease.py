"""Leases and dead letters of core.jobqueue (the table and helpers of test_jobqueue)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from core.db import transaction
from core.timestamps import utcnow
from tests.core.test_jobqueue import QUEUE, Job, _add, _get
from tests.core.test_jobqueue import jobs as jobs  # the table fixture

pytestmark = pytest.mark.usefixtures("jobs")

LEASED = replace(QUEUE, lease=timedelta(minutes=5), queued_at="next_attempt_at")


def _claim(*, now: datetime) -> list[int]:
    with transaction() as session:
        return [row.id for row in LEASED.claim(session=session, limit=10, now=now)]


def test_an_unsettled_claim_is_taken_again_when_its_lease_runs_out() -> None:
    [job] = _add(Job())
    now = utcnow()
    assert _claim(now=now) == [job]
    assert _get(job).next_attempt_at == now + timedelta(minutes=5)  # the lease
    assert _claim(now=now + timedelta(minutes=4)) == []  # still held
    assert _claim(now=now + timedelta(minutes=6)) == [job]  # the worker died: again
    assert _get(job).attempts == 2


def test_a_job_that_is_never_settled_becomes_a_dead_letter() -> None:
    [job] = _add(Job())
    now = utcnow()
    for n in range(4):  # max_attempts claims, none settled
        assert _claim(now=now + timedelta(minutes=10 * n)) == [job]
    assert _claim(now=now + timedelta(minutes=50)) == []
    dead = _get(job)
    assert (dead.status, dead.last_error) == ("failed", "claimed and never settled")


def test_without_a_lease_an_unsettled_claim_stays_claimed() -> None:
    [job] = _add(Job())
    now = utcnow()
    with transaction() as session:
        assert [r.id for r in QUEUE.claim(session=session, limit=5, now=now)] == [job]
    with transaction() as session:
        later = now + timedelta(days=1)
        assert QUEUE.claim(session=session, limit=5, now=later) == []  # at most once


def test_counts_age_retry_and_drop_of_dead_letters() -> None:
    old = utcnow() - timedelta(hours=2)
    waiting, dead_a, dead_b, done = _add(
        Job(next_attempt_at=old), Job(status="failed"), Job(status="failed"), Job(status="done")
    )
    with transaction() as session:
        assert LEASED.counts(session=session) == {"pending": 1, "failed": 2, "done": 1}
        assert LEASED.oldest_waiting(session=session) == old
        assert LEASED.retry_failed(session=session, ids=[dead_a]) == 1
        assert LEASED.drop_failed(session=session) == 1  # dead_b only
    assert _get(dead_a).status == "pending" and _get(dead_a).attempts == 0
    with transaction() as session:
        assert session.get(Job, dead_b) is None
        assert session.get(Job, done) is not None and session.get(Job, waiting) is not None


def test_a_requeued_claim_is_due_at_once_not_when_its_lease_ends() -> None:
    [job] = _add(Job())
    now = utcnow()
    assert _claim(now=now) == [job]  # held until now + 5 minutes
    with transaction() as session:
        assert LEASED.requeue_claimed(session=session, now=now) == 1  # the worker restarts
    assert _claim(now=now + timedelta(seconds=1)) == [job]
