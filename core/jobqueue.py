"""One job-queue mechanism for every table that queues work for a worker.

A queue row carries `status`, `attempts`, `next_attempt_at` and `last_error`. A
worker claims due rows in one transaction (status becomes the queue's "claimed"
status, attempts grows), does the work, then settles each row: done, retried later
with exponential backoff, or failed. Statuses and limits belong to each queue (the
outbox and the WhatsApp event queue differ on purpose), so they are parameters here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Mapped, Session

from core.timestamps import utcnow

# What last_error holds (String(255) on every queue table).
ERROR_LENGTH = 255


class QueueRow(Protocol):
    """The columns a mapped class needs to be a queue.

    ClassVar because they are the mapped class's column attributes (descriptors);
    mypy then refuses assignment through an instance, hence `_assign`.
    """

    id: ClassVar[Mapped[int]]
    status: ClassVar[Mapped[str]]
    attempts: ClassVar[Mapped[int]]
    next_attempt_at: ClassVar[Mapped[datetime]]
    last_error: ClassVar[Mapped[str | None]]


RowT = TypeVar("RowT", bound=QueueRow)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: `first_delay` after the first attempt, doubling, capped at
    `max_delay` (None: uncapped); after `max_attempts` attempts the job fails."""

    first_delay: timedelta
    max_attempts: int
    max_delay: timedelta | None = None

    def delay(self, attempts: int, floor: timedelta | None = None) -> timedelta:
        """How long to wait after the `attempts`-th attempt failed; never less than
        `floor` (e.g. a channel's own retry-after)."""
        backoff = self.first_delay * 2 ** (attempts - 1)
        if self.max_delay is not None:
            backoff = min(backoff, self.max_delay)
        return max(backoff, floor or timedelta(0))

    def exhausted(self, attempts: int) -> bool:
        return attempts >= self.max_attempts


@dataclass(frozen=True)
class JobQueue(Generic[RowT]):
    """A queue over `model`'s rows.

    `claimed` is the status of a row a worker holds; `done_at`, when given, names the
    column stamped when a job is done (e.g. "sent_at").
    """

    model: type[RowT]
    policy: RetryPolicy
    claimed: str
    done: str
    pending: str = "pending"
    failed: str = "failed"
    done_at: str | None = None

    def claim(
        self,
        *,
        session: Session,
        limit: int,
        now: datetime | None = None,
        where: Sequence[ColumnElement[bool]] = (),
    ) -> list[RowT]:
        """Due pending rows (plus `where`), oldest first, marked claimed.

        FOR UPDATE SKIP LOCKED lets several workers share a queue on PostgreSQL;
        SQLite serialises writers anyway.
        """
        model = self.model
        rows = list(
            session.scalars(
                select(model)
                .where(
                    model.status == self.pending,
                    *where,
                    model.next_attempt_at <= (now or utcnow()),
                )
                .order_by(model.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        for row in rows:
            _assign(row, status=self.claimed, attempts=row.attempts + 1)
        session.flush()
        return rows

    def finish(self, *, session: Session, job_id: int, now: datetime | None = None) -> None:
        values: dict[str, Any] = {"status": self.done, "last_error": None}
        if self.done_at is not None:
            values[self.done_at] = now or utcnow()
        session.execute(update(self.model).where(self.model.id == job_id).values(**values))

    def retry(
        self,
        *,
        session: Session,
        job_id: int,
        error: str,
        floor: timedelta | None = None,
        now: datetime | None = None,
    ) -> str:
        """Back to pending after the policy's backoff (at least `floor`), or failed once
        the attempts are used up. Returns the new status (failed for an unknown id)."""
        row = session.get(self.model, job_id)
        if row is None:
            return self.failed
        if self.policy.exhausted(row.attempts):
            _assign(row, status=self.failed, last_error=error[:ERROR_LENGTH])
            return self.failed
        _assign(
            row,
            status=self.pending,
            last_error=error[:ERROR_LENGTH],
            next_attempt_at=(now or utcnow()) + self.policy.delay(row.attempts, floor),
        )
        return self.pending

    def fail(self, *, session: Session, job_id: int, error: str) -> None:
        session.execute(
            update(self.model)
            .where(self.model.id == job_id)
            .values(status=self.failed, last_error=error[:ERROR_LENGTH])
        )

    def requeue_claimed(self, *, session: Session) -> int:
        """Claims left by a worker that died: pending again (attempts are kept).
        Returns how many."""
        result = session.execute(
            update(self.model).where(self.model.status == self.claimed).values(status=self.pending)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def stale_claims(
        self, *, session: Session, older_than: timedelta, now: datetime | None = None
    ) -> Sequence[RowT]:
        """Claimed rows due more than `older_than` ago: a worker took them and never
        settled them."""
        cutoff = (now or utcnow()) - older_than
        return session.scalars(
            select(self.model).where(
                self.model.status == self.claimed, self.model.next_attempt_at <= cutoff
            )
        ).all()


def _assign(row: QueueRow, **values: object) -> None:
    for name, value in values.items():
        setattr(row, name, value)
