"""Database engine, sessions and the declarative base shared by all models.

Actions run either in-process (inside the dialogue engine's transaction) or in a
separate rasa-sdk action server. `current_session()` lets them join the engine's
transaction when there is one, so that handling one message stays atomic.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, ClassVar

from sqlalchemy import JSON, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from core.settings import get_settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


_current: contextvars.ContextVar[Session | None] = contextvars.ContextVar(
    "laporin_session", default=None
)


# A pooled connection older than this is replaced at its next checkout, before a
# server, proxy or firewall that ends long-lived connections does it for us.
POOL_RECYCLE_SECONDS = 1800


def make_engine(url: str) -> Engine:
    # hide_parameters: an exception (and its log line) shows the SQL, never the values
    # bound to it, which are citizens' numbers and descriptions.
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        _make_sqlite_transactions_immediate(engine)
        return engine
    # No pre-ping on every checkout (a round trip each): SQLAlchemy's "optimistic"
    # disconnect handling, plus a ping only for a connection idle a while
    # (_ping_after_idle). A statement that meets a closed connection fails once and
    # invalidates the whole pool, so the next checkout connects afresh; the job
    # queues retry the failed turn or job.
    pool = get_settings().database_pool_size
    engine = create_engine(
        url, pool_size=pool, max_overflow=pool // 2, pool_recycle=POOL_RECYCLE_SECONDS,
        hide_parameters=True,
    )  # fmt: skip
    event.listen(engine, "handle_error", _drop_server_detail)
    _ping_after_idle(engine)
    return engine


# A pooled connection idle this long is pinged before use: one that went away (a
# database restart, a dropped network path) is replaced before a turn needs it.
# Busy connections skip the round trip; one that breaks mid-transaction invalidates
# the pool, and the queues retry what it was doing.
IDLE_PING_SECONDS = 10.0


def _ping_after_idle(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _checked_in(dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn: Any, record: Any, proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as error:  # the pool opens a new connection instead
            raise DisconnectionError() from error


def _drop_server_detail(context: Any) -> None:
    """PostgreSQL's DETAIL repeats the values of the row ("Key (user_key)=(62812...)",
    "Failing row contains (..., description, ...)"): keep only the primary message in
    the exception (and so in its log line). `orig.diag` still has every field."""
    orig = context.original_exception
    primary = getattr(getattr(orig, "diag", None), "message_primary", None)
    if not primary or str(orig).strip() == primary:
        return
    orig.args = (primary,)
    wrapped = context.sqlalchemy_exception
    if wrapped is not None and wrapped.args:
        name = f"{type(orig).__module__}.{type(orig).__name__}"
        wrapped.args = (f"({name}) {primary}", *wrapped.args[1:])


def _make_sqlite_transactions_immediate(engine: Engine) -> None:
    # pysqlite's deferred BEGIN lets two writers read, then deadlock on upgrade;
    # BEGIN IMMEDIATE serialises writers up front (the busy timeout makes them wait).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        dbapi_conn.execute("PRAGMA foreign_keys=ON")
        dbapi_conn.execute("PRAGMA journal_mode=WAL")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    url = url or get_settings().database_url
    if url.startswith("sqlite:///"):
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return make_engine(url)


def session_factory(url: str | None = None) -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(url), expire_on_commit=False)


@contextmanager
def transaction(url: str | None = None) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on error.

    While it is open, `current_session()` returns it, so in-process actions join it.
    """
    # A plain Session, not a sessionmaker's: each sessionmaker is a new Session
    # subclass, and SQLAlchemy builds its event registry again for every new class
    # (about a tenth of the server's CPU when each transaction made one).
    session = Session(bind=get_engine(url), expire_on_commit=False)
    token = _current.set(session)
    try:
        with session.begin():
            yield session
    finally:
        _current.reset(token)
        session.close()


@contextmanager
def dry_run(url: str | None = None) -> Iterator[Session]:
    """A transaction that is always rolled back: what runs in it (and joins it
    through `current_session()`) writes nothing."""
    session = Session(bind=get_engine(url), expire_on_commit=False)
    token = _current.set(session)
    try:
        session.begin()
        yield session
    finally:
        _current.reset(token)
        session.rollback()
        session.close()


@contextmanager
def current_session() -> Iterator[Session]:
    """The session of the enclosing `transaction()`, or a new transaction of its own."""
    session = _current.get()
    if session is not None:
        yield session
        return
    with transaction() as own:
        yield own
