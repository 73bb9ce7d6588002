"""The nearby-duplicate check is an index range scan on both backends, never a
scan of every open ticket (issue 15: its cost must not grow with the province's
tickets)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import transaction
from tests import factories
from tickets.duplicates import nearby_query


def _plan(session: Session, sql: str, dialect: str) -> str:
    explain = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
    rows = session.execute(text(explain + sql)).all()
    return "\n".join(" ".join(str(c) for c in row) for row in rows)


def test_the_nearby_check_uses_its_index(db: str) -> None:
    with transaction() as session:
        for i in range(40):  # several categories and places, so statistics exist
            factories.ticket(session=session, category=("sampah", "jalan_rusak")[i % 2],
                             latitude=-5.40 + i / 1000, longitude=105.26)  # fmt: skip
        dialect = session.get_bind().dialect
        if dialect.name == "postgresql":
            session.execute(text("ANALYZE ticket"))
            # Tiny tables are read whole whatever the indexes: ask which index fits.
            session.execute(text("SET LOCAL enable_seqscan = off"))
        statement = nearby_query("sampah", -5.41, 105.26, 100.0)
        sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        plan = _plan(session, sql, dialect.name)
    assert "ix_ticket_nearby" in plan, plan
