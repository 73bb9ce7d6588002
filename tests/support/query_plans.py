"""EXPLAIN plans of hot-path queries, for tests that fail on a full table scan.

Tiny test tables are read whole by PostgreSQL whatever the indexes, so the plan is
asked with sequential scans priced out (`enable_seqscan = off`): a query no index
serves still shows "Seq Scan", one an index serves names it. Priced out, the planner
may instead walk a whole index (for its order, with the condition as a filter):
such an index scan without an index condition is a full scan too, as SQLite's
"SCAN table USING INDEX" is.

`executed` records the statements a real call sends, so a test explains the
queries the code runs (the ORM's eager loads included), not copies of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement

# "SCAN ticket" or "SCAN ticket USING [COVERING] INDEX ..." (SQLite reads it all),
# "Seq Scan on ticket" (PostgreSQL); lower-case names: "SCAN CONSTANT ROW" is none.
_WHOLE = re.compile(r"\bSCAN ([a-z_]\w*)|Seq Scan on (\w+)")
_INDEX_SCAN = re.compile(r"(?:Index|Index Only) Scan(?: Backward)? using (\w+) on (\w+)")
_READS = re.compile(r"^\s*(SELECT|WITH|UPDATE|DELETE)\b", re.IGNORECASE)


def plan_of(session: Session, statement: ClauseElement | str, **params: Any) -> str:
    """The plan of `statement` (a SQLAlchemy statement or SQL text) on the session's
    database, one line per plan row."""
    dialect = session.get_bind().dialect
    if isinstance(statement, str):
        sql = statement
    else:
        sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    if dialect.name == "postgresql":
        session.execute(text("SET LOCAL enable_seqscan = off"))
        rows = session.execute(text("EXPLAIN " + sql), params).all()
    else:
        rows = session.execute(text("EXPLAIN QUERY PLAN " + sql), params).all()
    return "\n".join(" ".join(str(c) for c in row) for row in rows)


def full_scans(plan: str, leading: dict[str, str] | None = None) -> set[str]:
    """Tables the plan reads whole. `leading` (index name -> its first column, see
    `leading_columns`): a PostgreSQL index scan whose condition leaves that column
    out reads the whole index too (e.g. (ticket_id, citizen_id) for citizen_id = 1)."""
    found = {a or b for a, b in _WHOLE.findall(plan)}
    lines = plan.splitlines()
    for i, line in enumerate(lines):
        match = _INDEX_SCAN.search(line)
        if match is None:
            continue
        conditions = [d for d in _details(lines, i) if "Index Cond" in d]
        first = (leading or {}).get(match.group(1))
        if not conditions or (first and not any(re.search(rf"\b{first}\b", c) for c in conditions)):
            found.add(match.group(2))
    return found


def leading_columns(session: Session) -> dict[str, str]:
    """Index name -> its first column (PostgreSQL; SQLite's plans say it themselves:
    SEARCH only when the leading columns are given)."""
    if session.get_bind().dialect.name != "postgresql":
        return {}
    rows = session.execute(
        text(
            "SELECT c.relname, a.attname FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid"
            " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
        )
    )
    return {str(name): str(column) for name, column in rows}


def _details(lines: list[str], node: int) -> Iterator[str]:
    """The detail lines of a PostgreSQL plan node (more indented, before any child)."""
    depth = _indent(lines[node])
    for line in lines[node + 1 :]:
        if _indent(line) <= depth or line.lstrip().startswith("->"):
            return
        yield line


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def analyze(session: Session) -> None:
    """Fresh planner statistics (PostgreSQL; SQLite plans by its indexes alone)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE"))


@dataclass(frozen=True)
class Sent:
    """A statement as the driver got it, with its parameters."""

    sql: str
    parameters: Any


@contextmanager
def executed() -> Iterator[list[Sent]]:
    """The reading statements (SELECT, UPDATE, DELETE) any engine sends meanwhile."""
    sent: list[Sent] = []

    def seen(_conn: Any, _cursor: Any, sql: str, parameters: Any, _context: Any,
             executemany: bool) -> None:  # fmt: skip
        if not executemany and _READS.match(sql):
            sent.append(Sent(sql, parameters))

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        event.remove(Engine, "before_cursor_execute", seen)


def plan_of_sent(session: Session, statement: Sent) -> str:
    """The plan of a statement recorded by `executed`, with its own parameters."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        rows = connection.exec_driver_sql("EXPLAIN " + statement.sql, statement.parameters)
    else:
        rows = connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement.sql, statement.parameters
        )
    return "\n".join(" ".join(str(c) for c in row) for row in rows.all())


def scans(session: Session, sent: list[Sent]) -> dict[str, set[str]]:
    """Each recorded statement explained in `session`: SQL -> the tables it reads
    whole, for the statements that read some table whole."""
    leading = leading_columns(session)
    found = {s.sql: full_scans(plan_of_sent(session, s), leading) for s in sent}
    return {sql: tables for sql, tables in found.items() if tables}
