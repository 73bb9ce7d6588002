"""Run Alembic migrations from Python (app start-up, tests), whatever the cwd."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from core.settings import ROOT_DIR

ALEMBIC_INI = ROOT_DIR / "alembic.ini"


def alembic_config(url: str | None = None) -> Config:
    config = Config(str(ALEMBIC_INI))
    # Callers have their own logging; see migrations/env.py.
    config.attributes["configure_logger"] = False
    if url:
        # Attribute rather than main option: the .ini parser would treat a "%" in an
        # URL-encoded password as interpolation syntax.
        config.attributes["database_url"] = url
    return config


def upgrade_schema(url: str | None = None) -> None:
    """Bring the database at `url` (default: settings.database_url) to the latest
    schema. The reference rows come with it in tickets.reference.upgrade."""
    command.upgrade(alembic_config(url), "head")


def downgrade(url: str | None = None, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)
