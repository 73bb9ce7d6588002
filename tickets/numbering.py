"""Ticket numbers: "LPG-<year>-<seq>", gap-free and unique per year under concurrent writers."""

from __future__ import annotations

from sqlalchemy import insert, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tickets.models import TicketSequence

PREFIX = "LPG"


def format_ticket_number(year: int, seq: int) -> str:
    # At least 6 digits; a larger seq simply gets longer, never truncated.
    return f"{PREFIX}-{year:04d}-{seq:06d}"


def next_ticket_number(*, session: Session, year: int) -> tuple[int, str]:
    """Allocate the next number for `year` inside the caller's transaction.

    The UPDATE takes a row lock (PostgreSQL) / the write lock (SQLite, BEGIN IMMEDIATE)
    that is held until commit, so concurrent callers queue up instead of colliding,
    and a rolled-back transaction gives its number back (no gaps).
    """
    _ensure_year_row(session, year)
    seq = session.execute(
        update(TicketSequence)
        .where(TicketSequence.year == year)
        .values(last_value=TicketSequence.last_value + 1)
        .returning(TicketSequence.last_value)
    ).scalar_one()
    return seq, format_ticket_number(year, seq)


def _ensure_year_row(session: Session, year: int) -> None:
    values = {"year": year, "last_value": 0}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(postgresql.insert(TicketSequence).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        session.execute(sqlite.insert(TicketSequence).values(values).on_conflict_do_nothing())
    else:
        # Portable fallback: the savepoint keeps a duplicate-key error from
        # aborting the caller's transaction.
        if session.get(TicketSequence, year) is not None:
            return
        try:
            with session.begin_nested():
                session.execute(insert(TicketSequence).values(values))
        except IntegrityError:
            pass
