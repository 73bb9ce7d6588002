"""Migration 0014: tickets filed before it came with a pin; and back."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.pool import NullPool

from core.migrate import alembic_config, downgrade
from tickets.reference import upgrade

NEW_COLUMNS = {"location_source", "address_text", "place_name"}


def _columns(engine: Engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("ticket")}


def test_existing_tickets_become_pinned_and_the_columns_go_on_downgrade(
    blank_db_url: str,
) -> None:
    command.upgrade(alembic_config(blank_db_url), "0013")
    engine = create_engine(blank_db_url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO citizen (id, created_at) VALUES (1, CURRENT_TIMESTAMP)"
            ))  # fmt: skip
            conn.execute(text(
                "INSERT INTO ticket (id, number, year, seq, status, category, description,"
                " latitude, longitude, confidential, citizen_id, created_at, updated_at,"
                " version) VALUES (1, 'LPG-2026-000001', 2026, 1, 'new', 'sampah', 'x',"
                " -5.37, 105.24, false, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
            ))  # fmt: skip
        assert not NEW_COLUMNS & _columns(engine)
        upgrade(blank_db_url)
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT location_source, address_text, place_name FROM ticket")
            ).one()
        assert tuple(row) == ("pin", None, None)
        downgrade(blank_db_url, "0013")
        assert not NEW_COLUMNS & _columns(engine)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT number FROM ticket")).scalar() == "LPG-2026-000001"
    finally:
        engine.dispose()
