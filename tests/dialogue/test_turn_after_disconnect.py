"""A turn after PostgreSQL closed every pooled connection (a restart, a failover):
without a pre-ping on checkout, the first statement on a dead connection fails once
and invalidates the whole pool; the retry (the job queues retry a failed turn) and
every later turn get fresh connections (core/db.py)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from core.db import get_engine, transaction
from dialogue.engine import DialogueEngine
from dialogue.messages import Inbound
from dialogue.models import ProcessedUpdate
from tests.conftest import backend_of
from tests.dialogue.test_engine import fixed_parse

POOLED = 3


def _close_connections_from_the_server(url: str) -> int:
    admin = create_engine(make_url(url), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            return int(
                conn.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).scalar_one()
            )
    finally:
        admin.dispose()


def test_turns_go_on_after_the_server_closed_the_connections(db: str) -> None:
    if backend_of(db) != "postgresql":
        pytest.skip("a server that closes connections: PostgreSQL")
    engine = DialogueEngine(parse=fixed_parse, database_url=db)
    engine.handle(Inbound("test", "u0", uuid.uuid4().hex, text="status"))
    held = [get_engine(db).connect() for _ in range(POOLED)]  # the pool holds several
    for conn in held:
        conn.close()
    assert _close_connections_from_the_server(db) >= POOLED

    failures = 0
    for user in ("u1", "u2", "u3", "u4"):
        message = Inbound("test", user, uuid.uuid4().hex, text="status")
        try:
            replies = engine.handle(message)
        except DBAPIError as exc:
            assert exc.connection_invalidated, exc
            failures += 1
            replies = engine.handle(message)  # the job queue's retry, same update id
        assert replies, user
    assert failures <= 1  # one for the whole pool, not one per pooled connection
    with transaction(db) as session:
        handled = session.scalar(select(func.count()).select_from(ProcessedUpdate))
    assert handled == 5
