"""EXPLAIN plans of hot-path queries, for tests that fail on a full table scan.

Tiny test tables are read whole by PostgreSQL whatever the indexes, so the plan is
asked with sequential scans priced out (`enable_seqscan = off`): a query no index
serves still shows "Seq Scan", one an index serves names it.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement

# "SCAN ticket" (SQLite, no index) and "Seq Scan on ticket" (PostgreSQL).
_FULL_SCAN = re.compile(r"\bSCAN (\w+)(?! USING)|Seq Scan on (\w+)")


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


def full_scans(plan: str) -> set[str]:
    """Tables the plan reads whole."""
    return {a or b for a, b in _FULL_SCAN.findall(plan)}


def analyze(session: Session) -> None:
    """Fresh planner statistics (PostgreSQL; SQLite plans by its indexes alone)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE"))
