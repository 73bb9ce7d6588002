"""Migrations: upgrade/downgrade round trip on each backend, and schema == models."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from core.db import Base
from core.migrate import ALEMBIC_INI, downgrade
from tickets.reference import upgrade

EXPECTED_TABLES = {
    "region",
    "agency",
    "citizen",
    "contact",
    "ticket",
    "ticket_event",
    "attachment",
    "ticket_sequence",
    "conversation",
    "processed_update",
    "message_log",
    "unanswered_question",
    "notification",
    "staff_user",
    "escalation",
    "ticket_supporter",
    "staff_chat",
    "whatsapp_event",
    "whatsapp_message",
    "whatsapp_window",
}


def _tables(url: str) -> set[str]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def _schema_diff(url: str) -> list[object]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def test_metadata_covers_expected_tables() -> None:
    assert set(Base.metadata.tables) == EXPECTED_TABLES


def test_upgrade_downgrade_upgrade(blank_db_url: str) -> None:
    assert _tables(blank_db_url) == set()

    upgrade(blank_db_url)
    assert _tables(blank_db_url) == EXPECTED_TABLES
    assert _schema_diff(blank_db_url) == []

    downgrade(blank_db_url, "base")
    assert _tables(blank_db_url) == set()

    upgrade(blank_db_url)
    assert _tables(blank_db_url) == EXPECTED_TABLES
    upgrade(blank_db_url)  # already at head: a no-op, not an error
    assert _schema_diff(blank_db_url) == []


def test_session_database_matches_models(db_url: str) -> None:
    assert _tables(db_url) == EXPECTED_TABLES
    assert _schema_diff(db_url) == []


def test_upgrade_uses_settings_url_from_any_cwd(blank_db_url: str, tmp_path: Path) -> None:
    """`upgrade()` without a URL reads DATABASE_URL; alembic.ini is found from elsewhere."""
    root = ALEMBIC_INI.parent
    env = {**os.environ, "DATABASE_URL": blank_db_url, "PYTHONPATH": str(root)}
    subprocess.run(
        [sys.executable, "-c", "from tickets.reference import upgrade; upgrade()"],
        cwd=tmp_path,
        env=env,
        check=True,
        timeout=120,
    )
    assert _tables(blank_db_url) == EXPECTED_TABLES


def test_alembic_cli(blank_db_url: str, tmp_path: Path) -> None:
    """The plain `alembic` command works too, from any cwd (DATABASE_URL from the env)."""
    env = {**os.environ, "DATABASE_URL": blank_db_url}
    subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(ALEMBIC_INI), "upgrade", "head"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert _tables(blank_db_url) == EXPECTED_TABLES


def test_upgrade_writes_the_fifteen_regions(db_url: str) -> None:
    engine = create_engine(db_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT code, kind FROM region")).all()
    finally:
        engine.dispose()
    assert len(rows) == 15
    assert ("bandar_lampung", "kota") in rows and ("mesuji", "kabupaten") in rows
