"""Migrations: upgrade/downgrade round trip on each backend, and schema == models."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

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
    "staff_contact",
    "telegram_update",
    "whatsapp_event",
    "whatsapp_message",
    "whatsapp_window",
    "handoff_request",
    "handoff_message",
    "staff_session",
    "login_attempt",
    "response_template",
    "api_key",
    "ikm_answer",
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


def loads(value: Any) -> Any:
    """A JSON column's value: parsed by the driver (PostgreSQL) or text (SQLite)."""
    return value if isinstance(value, dict | list) else json.loads(value)


def test_0010_moves_staff_ids_chats_and_alert_extras(blank_db_url: str) -> None:
    """Telegram ids become contacts and chat keys; "_lampiran" becomes columns; and back."""
    from alembic import command

    from core.migrate import alembic_config

    command.upgrade(alembic_config(blank_db_url), "0009")
    engine = create_engine(blank_db_url, poolclass=NullPool)
    extras = {"buttons": [{"title": "Tolak", "payload": "op:reject:LPG-2026-000001"}],
              "photo": "ab/cd.jpg",
              "venue": {"latitude": -5.4, "longitude": 105.3, "title": "LPG-2026-000001",
                        "address": "Kota Metro"}}  # fmt: skip
    insert_notification = text(
        "INSERT INTO notification (channel, user_key, response, variables, dedupe_key, status,"
        " attempts, next_attempt_at, created_at) VALUES (:channel, :key, :response,"
        " :variables, :dedupe, 'pending', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
    try:
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO staff_user (id, name, role, telegram_user_id, active, created_at)"
                " VALUES (1, 'Rina', 'operator', 5551234, true, CURRENT_TIMESTAMP),"
                " (2, 'Tanpa', 'leader', NULL, true, CURRENT_TIMESTAMP)"
            ))  # fmt: skip
            conn.execute(text("INSERT INTO staff_chat (id, chat_id) VALUES (1, -1004001)"))
            conn.execute(insert_notification, [
                {"channel": "telegram", "key": "-1004001", "response": "utter_operator_tiket_baru",
                 "variables": json.dumps({"nomor": "LPG-2026-000001", "_lampiran": extras}),
                 "dedupe": "new:1:chat:-1004001"},
                {"channel": "telegram", "key": "5551234", "response": "utter_ringkasan_harian_sla",
                 "variables": json.dumps({"jumlah": 1}), "dedupe": "digest:2026-11-30:staff:1"},
            ])  # fmt: skip
        upgrade(blank_db_url)
        with engine.connect() as conn:
            assert conn.execute(
                text("SELECT staff_id, channel, user_key FROM staff_contact")
            ).all() == [(1, "telegram", "5551234")]
            assert conn.execute(text("SELECT channel, chat_key FROM staff_chat")).all() == [
                ("telegram", "-1004001")
            ]
            rows = conn.execute(text(
                "SELECT variables, buttons, attachment_path, venue_latitude, venue_longitude,"
                " venue_title, venue_address, dedupe_key FROM notification ORDER BY id"
            )).all()  # fmt: skip
        alert, digest = rows
        assert loads(alert[0]) == {"nomor": "LPG-2026-000001"}
        assert loads(alert[1]) == extras["buttons"]
        assert tuple(alert[2:7]) == ("ab/cd.jpg", -5.4, 105.3, "LPG-2026-000001", "Kota Metro")
        assert alert[7] == "new:1:chat:telegram:-1004001"
        assert digest[1] is None and digest[7] == "digest:2026-11-30:staff:1:telegram:5551234"
        assert _schema_diff(blank_db_url) == []

        downgrade(blank_db_url, "0009")
        with engine.connect() as conn:
            assert conn.execute(
                text("SELECT id, telegram_user_id FROM staff_user ORDER BY id")
            ).all() == [(1, 5551234), (2, None)]
            assert conn.execute(text("SELECT chat_id FROM staff_chat")).all() == [(-1004001,)]
            rows = conn.execute(
                text("SELECT variables, dedupe_key FROM notification ORDER BY id")
            ).all()
        assert loads(rows[0][0]) == {"nomor": "LPG-2026-000001", "_lampiran": extras}
        assert [r[1] for r in rows] == ["new:1:chat:-1004001", "digest:2026-11-30:staff:1"]
    finally:
        engine.dispose()
