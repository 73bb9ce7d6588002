"""Many rows in one INSERT that skips the ones a unique key already holds.

PostgreSQL's ON CONFLICT DO NOTHING and SQLite's (3.24+) through SQLAlchemy's
dialect inserts: a row another transaction inserted first is no error and aborts
nothing, so no savepoint per row and no SELECT before each insert. RETURNING gives
back only the rows inserted (both backends).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

# Bound values per statement, well under SQLite's 32,766 and PostgreSQL's 65,535.
MAX_PARAMETERS = 20_000


def table_of(model: Any) -> Table:
    """A mapped class's table, for Core statements: on the hot paths they skip the
    ORM's statement machinery, which costs several times the statement itself."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def upsert(session: Session) -> Any:
    """The backend's INSERT with ON CONFLICT (PostgreSQL's and SQLite's are alike)."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def insert_unless_present(session: Session, model: Any) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING for `model` on the session's database (rows
    given as its values, or as executemany parameters)."""
    return upsert(session)(model).on_conflict_do_nothing()


def insert_new(session: Session, model: type[Any], values: dict[str, Any], *, unique: str) -> Any:
    """Insert a row unless one with the same `unique` column value exists; its id, or
    None when it existed. One statement (INSERT ... ON CONFLICT DO NOTHING RETURNING),
    also when two writers race."""
    statement = _insert_new(table_of(model), unique, session.get_bind().dialect.name)
    return session.execute(statement, values).scalar()


@lru_cache(maxsize=32)
def _insert_new(table: Table, unique: str, dialect: str) -> Any:
    # Built once, on the table (Core): the webhooks call it for every message, and an
    # ORM insert built anew costs several times the statement's own work. The VALUES
    # come from the parameters' keys.
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing(index_elements=[unique]).returning(table.c.id)


def insert_ignoring(
    session: Session,
    model: Any,
    rows: Sequence[dict[str, Any]],
    *,
    returning: Sequence[Any] = (),
) -> list[tuple[Any, ...]]:
    """Insert `rows` (dicts of the same keys) into `model`'s table, skipping conflicts;
    returns the `returning` columns of the rows inserted (none if not asked)."""
    if not rows:
        return []
    per_statement = max(1, MAX_PARAMETERS // len(rows[0]))
    inserted: list[tuple[Any, ...]] = []
    for start in range(0, len(rows), per_statement):
        statement = insert_unless_present(session, model).values(
            list(rows[start : start + per_statement])
        )
        if returning:
            inserted.extend(tuple(row) for row in session.execute(statement.returning(*returning)))
        else:
            session.execute(statement)
    return inserted
