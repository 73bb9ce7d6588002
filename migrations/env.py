"""Alembic environment: which database to migrate and which metadata to compare against.

URL precedence: an open connection in `config.attributes["connection"]`, then
`config.attributes["database_url"]`, then the `sqlalchemy.url` main option, then
`get_settings().database_url`.
"""

from __future__ import annotations

from logging.config import fileConfig
from pathlib import Path
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import create_engine, pool
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.types import TypeDecorator

# Imported to register their tables on Base.metadata.
import channels.telegram.models
import channels.whatsapp.models  # noqa: F401
import dialogue.models  # noqa: F401
import knowledge.models  # noqa: F401
import tickets.api_key_models
import tickets.handoff_models
import tickets.ikm_models
import tickets.models
import tickets.staff_models  # noqa: F401
from core.db import Base
from core.settings import get_settings

config = context.config
target_metadata = Base.metadata

# Only the CLI should (re)configure logging; fileConfig would otherwise disable the
# loggers of a host application that calls core.migrate (tickets.reference.upgrade).
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    return str(url or get_settings().database_url)


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    # Migrations must not import app code: render our TypeDecorators as their
    # plain implementation type (UTCDateTime -> sa.DateTime(timezone=True)).
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl_instance!r}"
    return False


def _configure(**kwargs: object) -> None:
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=True,
        render_item=render_item,
        **kwargs,  # type: ignore[arg-type]
    )


def run_migrations_offline() -> None:
    _configure(url=database_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def _run(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = make_url(database_url())
    if url.get_backend_name() == "sqlite" and url.database not in (
        None,
        "",
        ":memory:",
    ):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    # A plain engine, not core.db's: the app engine forces foreign keys on for SQLite,
    # which breaks batch (copy-and-move) table rebuilds.
    engine = create_engine(url, poolclass=pool.NullPool, hide_parameters=True)
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
