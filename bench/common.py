"""What the benchmarks share: the repository root and a fresh, migrated database."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def use_database(database_url: str, media_dir: Path) -> None:
    """Point the app's settings at a fresh benchmark database, migrated."""
    from core import db, settings
    from tickets.reference import upgrade

    os.environ["DATABASE_URL"] = database_url
    os.environ["MEDIA_DIR"] = str(media_dir)
    settings.get_settings.cache_clear()
    db.get_engine.cache_clear()
    upgrade(database_url)
