"""One job-queue mechanism for every table that queues work for a worker.

A row has `status`, `attempts`, `next_attempt_at` and `last_error`. A worker claims
due rows in one transaction (status "claimed", attempts + 1), does the work, then
settles each row: done, retried later with backoff, or failed. Statuses and limits
are each queue's own (the outbox and the WhatsApp events differ on purpose).

A queue with a `lease` may process a job twice (its work must be idempotent): a
claim holds the row until `next_attempt_at` = claim time + lease, and a claim the
worker never settled (it died, or lost the database mid-batch) is due again once
the lease runs out, while the process runs. A job claimed `max_attempts` times
without being settled goes to the failed state (the dead letters) instead of
being claimed again: a job that kills its worker cannot stop the queue. A queue
without a lease delivers at most once: an unsettled claim stays claimed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    delete,
    exists,
    false,
    func,
    inspect,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.orm import Mapped, Session, aliased
from sqlalchemy.orm.attributes import set_committed_value

from core.bulk import table_of
from core.retry import RetryPolicy
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
class JobQueue(Generic[RowT]):
    """A queue over `model`'s rows.

    `claimed` is the status of a row a worker holds; `done_at`, when given, names the
    column stamped when a job is done (e.g. "sent_at"); `lease`, when given, how long
    a claim holds a row (see the module docstring).
    """

    model: type[RowT]
    policy: RetryPolicy
    claimed: str
    done: str
    pending: str = "pending"
    failed: str = "failed"
    done_at: str | None = None
    lease: timedelta | None = None
    # The column that says when a job was queued (its age in `oldest_pending`).
    queued_at: str = "created_at"
    # The column (or columns) naming the conversation a job belongs to: a job is only
    # claimed when no earlier job of its conversation is waiting or being worked on,
    # so several workers keep each conversation in order and run different ones side
    # by side (and `claim_runs` takes the rest of a conversation with its first).
    ordered_by: str | tuple[str, ...] | None = None

    def claim(
        self,
        *,
        session: Session,
        limit: int,
        now: datetime | None = None,
        where: Sequence[ColumnElement[bool]] = (),
        lease: timedelta | None = None,
    ) -> list[RowT]:
        """Due pending rows (plus `where`), oldest first, marked claimed; with a lease
        also claims whose lease ran out. `lease` overrides the queue's length of it
        (a setting), for a queue that has one.

        FOR UPDATE SKIP LOCKED lets several workers share a queue on PostgreSQL;
        SQLite serialises writers anyway. One SELECT and one UPDATE, whatever `limit`.
        """
        model = self.model
        now = now or utcnow()
        due = model.status == self.pending
        if self.lease is not None:
            due = or_(due, model.status == self.claimed)
        query = select(model).where(and_(due, model.next_attempt_at <= now), *where)
        if self.ordered_by is not None:
            query = query.where(self._first_of_its_conversation)
        rows = list(
            session.scalars(query.order_by(model.id).limit(limit).with_for_update(skip_locked=True))
        )
        exhausted = self.policy.exhausted
        dead = [r for r in rows if r.status == self.claimed and exhausted(r.attempts)]
        if dead:
            self._set(session, dead, status=self.failed, last_error="claimed and never settled")
        claimed = [row for row in rows if row not in dead]
        self._mark_claimed(session, claimed, now, lease)
        return claimed

    def claim_runs(
        self,
        *,
        session: Session,
        pick: Callable[[list[list[RowT]]], list[list[RowT]]],
        limit: int,
        now: datetime | None = None,
        where: Sequence[ColumnElement[bool]] = (),
        order_by: Sequence[ColumnElement[Any]] = (),
        lease: timedelta | None = None,
    ) -> list[list[RowT]]:
        """For an `ordered_by` queue: runs of conversations, claimed in one SELECT and
        one UPDATE. A run is a conversation's first open job, when due and nothing of
        its conversation is being worked on, with its due jobs after it (up to one
        that is not due: what follows waits with it). `pick` chooses among the runs
        found (at most `limit` jobs, ordered by `order_by`, then oldest first); the
        rest stay as they were.

        A job is taken only in a run that starts with its conversation's first open
        job: a worker that skipped a job locked by another (SKIP LOCKED) never takes
        the jobs after it out of order."""
        now = now or utcnow()
        runs: dict[tuple[object, ...], list[RowT]] = {}
        for row, is_first in session.execute(self._runs_query(now, where, order_by, limit)):
            key = self._key_of(row)
            if key in runs:
                runs[key].append(row)
            elif is_first:
                runs[key] = [row]
        ordered = [sorted(run, key=lambda r: r.id) for run in runs.values()]
        picked = pick(ordered)
        rows = [row for run in picked for row in run]
        exhausted = self.policy.exhausted
        dead = [r for r in rows if r.status == self.claimed and exhausted(r.attempts)]
        if dead:
            self._set(session, dead, status=self.failed, last_error="claimed and never settled")
        self._mark_claimed(session, [r for r in rows if r not in dead], now, lease)
        return [[r for r in run if r not in dead] for run in picked]

    def _runs_query(
        self, now: datetime, where: Sequence[ColumnElement[bool]],
        order_by: Sequence[ColumnElement[Any]], limit: int,
    ) -> Select[RowT, bool]:  # fmt: skip
        model, earlier = self.model, self._earlier
        claimed_due = model.status == self.claimed
        if self.lease is None:
            claimed_due = and_(claimed_due, false())
        due = and_(or_(model.status == self.pending, claimed_due), model.next_attempt_at <= now)
        waiting = or_(
            and_(earlier.status == self.pending, earlier.next_attempt_at > now),
            and_(earlier.status == self.claimed,
                 earlier.next_attempt_at > now if self.lease is not None else true()),
        )  # fmt: skip
        first = ~exists().where(self._same_and_earlier, earlier.status.in_(self._open))
        return (
            select(model, first.label("first"))
            .where(due, ~exists().where(self._same_and_earlier, waiting), *where)
            .order_by(*order_by, model.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=model)
        )

    def __post_init__(self) -> None:
        # Built on import (one thread), not on first use by several workers at once:
        # SQLAlchemy fills an alias's columns lazily and not thread-safely.
        if self.ordered_by is not None:
            _ = self._first_of_its_conversation

    @cached_property
    def _earlier(self) -> Any:
        """The model aliased, every column resolved now: a thread resolving one while
        another fills the alias's columns gets (and the alias keeps) the unaliased
        column, so every later claim compares a row with itself."""
        alias = aliased(self.model)
        for column in inspect(self.model).column_attrs:
            getattr(alias, column.key)
        return alias

    @cached_property
    def _open(self) -> tuple[str, str]:
        return (self.pending, self.claimed)

    @cached_property
    def _same_and_earlier(self) -> ColumnElement[bool]:
        model, earlier = self.model, self._earlier
        return and_(
            *(getattr(earlier, c) == getattr(model, c) for c in self._columns()),
            earlier.id < model.id,
        )

    def _mark_claimed(
        self, session: Session, rows: Sequence[RowT], now: datetime, lease: timedelta | None
    ) -> None:
        if not rows:
            return
        values: dict[str, object] = {"status": self.claimed}
        if self.lease is not None:
            values["next_attempt_at"] = now + (lease or self.lease)
        table, ids = self._table, [row.id for row in rows]
        claim = update(table).where(table.c.id.in_(ids))
        session.execute(claim.values(attempts=table.c.attempts + 1, **values))
        for row in rows:
            _committed(row, attempts=row.attempts + 1, **values)

    def _set(self, session: Session, rows: Sequence[RowT], **values: object) -> None:
        """One UPDATE (Core: the ORM's costs several times more, on every claim); the
        loaded rows get the same values, so nothing is read again."""
        table = self._table
        session.execute(update(table).where(table.c.id.in_([r.id for r in rows])).values(**values))
        for row in rows:
            _committed(row, **values)

    @cached_property
    def _table(self) -> Table:
        return table_of(self.model)

    def _columns(self) -> tuple[str, ...]:
        ordered = self.ordered_by or ()
        return (ordered,) if isinstance(ordered, str) else ordered

    def _key_of(self, row: RowT) -> tuple[object, ...]:
        return tuple(getattr(row, column) for column in self._columns())

    @cached_property
    def _first_of_its_conversation(self) -> ColumnElement[bool]:
        # Built once: an alias of the model copies every column, each time it is made.
        return or_(
            *(getattr(self.model, column).is_(None) for column in self._columns()),
            ~exists().where(self._same_and_earlier, self._earlier.status.in_(self._open)),
        )

    def finish(self, *, session: Session, job_id: int, now: datetime | None = None) -> None:
        values: dict[str, Any] = {"status": self.done, "last_error": None}
        if self.done_at is not None:
            values[self.done_at] = now or utcnow()
        table = self._table  # Core: once per job
        session.execute(update(table).where(table.c.id == job_id).values(**values))

    def finish_many(
        self, *, session: Session, job_ids: Sequence[int], now: datetime | None = None
    ) -> None:
        """Several jobs done, in one statement."""
        if not job_ids:
            return
        values: dict[str, Any] = {"status": self.done, "last_error": None}
        if self.done_at is not None:
            values[self.done_at] = now or utcnow()
        table = self._table
        session.execute(update(table).where(table.c.id.in_(job_ids)).values(**values))

    def release_many(
        self, *, session: Session, job_ids: Sequence[int], now: datetime | None = None
    ) -> None:
        """Claimed jobs not worked on after all (an earlier job of their conversation
        must go first): pending again, the claim's attempt given back."""
        if not job_ids:
            return
        session.execute(
            update(self.model)
            .where(self.model.id.in_(job_ids), self.model.status == self.claimed)
            .values(
                status=self.pending,
                attempts=self.model.attempts - 1,
                next_attempt_at=now or utcnow(),
            )
        )

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

    def requeue_claimed(
        self,
        *,
        session: Session,
        where: Sequence[ColumnElement[bool]] = (),
        now: datetime | None = None,
    ) -> int:
        """Claims (plus `where`) left by a worker that died: pending and due at once,
        whatever their lease said (attempts are kept). Returns how many."""
        result = session.execute(
            update(self.model)
            .where(self.model.status == self.claimed, *where)
            .values(status=self.pending, next_attempt_at=now or utcnow())
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

    # --- the operators' view: counts, age, dead letters -----------------------------

    def counts(self, *, session: Session) -> dict[str, int]:
        """Rows per status."""
        model = self.model
        rows = session.execute(select(model.status, func.count()).group_by(model.status))
        return {str(status): int(count) for status, count in rows}

    def oldest_waiting(self, *, session: Session) -> datetime | None:
        """When the oldest job not yet done or failed was queued (None: none waits)."""
        column = getattr(self.model, self.queued_at)
        return session.scalar(
            select(func.min(column)).where(self.model.status.in_((self.pending, self.claimed)))
        )

    def _failed(self, ids: Sequence[int] | None) -> ColumnElement[bool]:
        condition = self.model.status == self.failed
        return and_(condition, self.model.id.in_(ids)) if ids is not None else condition

    def retry_failed(
        self, *, session: Session, ids: Sequence[int] | None = None, now: datetime | None = None
    ) -> int:
        """Dead letters (all, or `ids`) back to the queue with fresh attempts."""
        result = session.execute(
            update(self.model)
            .where(self._failed(ids))
            .values(status=self.pending, attempts=0, next_attempt_at=now or utcnow())
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def drop_failed(self, *, session: Session, ids: Sequence[int] | None = None) -> int:
        """Delete dead letters (all, or `ids`) for good."""
        result = session.execute(delete(self.model).where(self._failed(ids)))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _committed(row: QueueRow, **values: object) -> None:  # as written, not pending
    for name, value in values.items():
        set_committed_value(row, name, value)


def _assign(row: QueueRow, **values: object) -> None:
    for name, value in values.items():
        setattr(row, name, value)
