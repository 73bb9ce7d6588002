"""Writing many rows through the real tables: COPY on PostgreSQL (psycopg), a Core
INSERT executemany elsewhere (or when asked, to compare).

Rows are dicts by column name with Python values (datetimes, dicts for JSON);
the tables are those of the models (tickets/models.py, dialogue/models.py), so a
column added to a model with a default is filled with it, and a missing column
without one fails loudly.

PostgreSQL checks a foreign key with one query per row, which doubled the time of
a ticket's COPY: when the role may (a superuser), the load skips those triggers
(`session_replication_role = replica`, what pg_restore --disable-triggers does)
and `orphans` checks every foreign key of the new rows afterwards, one anti-join
each. Unique and NOT NULL constraints and the indexes are kept as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, func, select, text
from sqlalchemy.dialects import postgresql, sqlite

from core.db import Base
from tickets.models import TicketSequence

COPY, INSERT = "copy", "insert"
# Rows per executemany call (SQLite caps the number of bound parameters per statement
# only for multi-row VALUES; executemany has no such limit, this just bounds memory).
INSERT_BATCH = 5_000


def table(name: str) -> Table:
    return Base.metadata.tables[name]


def default_method(conn: Connection) -> str:
    return COPY if conn.dialect.name == "postgresql" else INSERT


def write(conn: Connection, name: str, rows: Sequence[dict[str, Any]], method: str) -> None:
    if not rows:
        return
    if method == COPY:
        _copy(conn, table(name), rows)
    else:
        for start in range(0, len(rows), INSERT_BATCH):
            conn.execute(table(name).insert(), list(rows[start : start + INSERT_BATCH]))


def _defaults(target: Table, given: set[str]) -> dict[str, Any]:
    """Values for the columns the rows do not give: the column's Python default."""
    values: dict[str, Any] = {}
    for column in target.columns:
        if column.name in given or column.default is None:
            continue
        default: Any = column.default
        values[column.name] = default.arg(None) if default.is_callable else default.arg
    return values


def _copy(conn: Connection, target: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Binary COPY: several times faster than text for timestamps and floats (the
    column types are the database's own, JSON values go as Python objects)."""
    given = set(rows[0])
    defaults = _defaults(target, given)
    names = [c.name for c in target.columns if c.name in given or c.name in defaults]
    types: dict[str, str] = dict(
        conn.execute(
            text(
                "SELECT column_name, udt_name FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = :name"
            ),
            {"name": target.name},
        ).all()
    )
    preparer = conn.dialect.identifier_preparer
    sql = "COPY {} ({}) FROM STDIN WITH (FORMAT binary)".format(
        preparer.format_table(target), ", ".join(preparer.quote(n) for n in names)
    )
    fixed = [(i, defaults[n]) for i, n in enumerate(names) if n in defaults]
    read = [n for n in names if n not in defaults]
    raw: Any = conn.connection.dbapi_connection
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        copy.set_types([types[n] for n in names])
        for row in rows:
            values = [row[n] for n in read]
            for i, value in fixed:
                values.insert(i, value)
            copy.write_row(values)


def skip_foreign_key_triggers(conn: Connection) -> bool:
    """For this transaction, if allowed (PostgreSQL superuser); True if skipped."""
    if conn.dialect.name != "postgresql" or not conn.scalar(
        text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    ):
        return False
    conn.execute(text("SET LOCAL session_replication_role = replica"))
    return True


def orphans(conn: Connection, first_ids: dict[str, int]) -> list[str]:
    """Foreign keys of the rows from `first_ids[table]` on that point to no row:
    "table.column -> parent" for each broken one (an empty list when all hold)."""
    broken = []
    for name, first in first_ids.items():
        child = table(name)
        for key in child.foreign_keys:
            column = key.parent
            parents = key.column.table.alias()  # an alias: a table may point to itself
            parent = parents.c[key.column.name]
            missing = conn.scalar(
                select(func.count())
                .select_from(child)
                .where(child.c.id >= first, column.is_not(None))
                .where(~select(parent).where(parent == column).exists())
            )
            if missing:
                broken.append(f"{name}.{column.name} -> {key.column.table.name}")
    return broken


def next_id(conn: Connection, name: str) -> int:
    return int(conn.scalar(select(func.max(table(name).c.id))) or 0) + 1


def sync_id_sequence(conn: Connection, name: str) -> None:
    """After explicit ids (PostgreSQL): the serial's next value follows the largest id."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT MAX(id) FROM {name}))"
            )
        )


def raise_sequences(conn: Connection, last: dict[int, int]) -> None:
    """ticket_sequence.last_value per year set to `last[year]` (never lower than it
    was: the caller started from it), so tickets.numbering goes on from there."""
    values = [{"year": year, "last_value": value} for year, value in sorted(last.items())]
    if not values:
        return
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    statement = insert(TicketSequence).values(values)
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[TicketSequence.year],
            set_={"last_value": statement.excluded.last_value},
        )
    )


def analyze(conn: Connection) -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("ANALYZE"))
