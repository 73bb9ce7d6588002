"""Shared fixtures: a migrated database per backend (SQLite and PostgreSQL), media dir.

Every test that takes `db` runs once per backend. PostgreSQL comes from
TEST_POSTGRES_URL (a server we may create databases on); when it is unreachable the
PostgreSQL variants are skipped locally but fail in CI (CI=true), so a broken CI
service can never silently turn the suite green.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import create_engine, delete, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

# Imported to complete Base.metadata.
import channels.telegram.models
import channels.whatsapp.models  # noqa: F401
import dialogue.models  # noqa: F401
import knowledge.models  # noqa: F401
import tickets.api_key_models
import tickets.handoff_models
import tickets.ikm_models
import tickets.models
import tickets.staff_models  # noqa: F401
from core import db as core_db
from core import settings as core_settings
from core.db import Base
from nlu.train import train
from tickets.reference import upgrade

DEFAULT_TEST_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

MakeImage = Callable[..., Path]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def _admin_url() -> URL:
    return make_url(os.environ.get("TEST_POSTGRES_URL", DEFAULT_TEST_POSTGRES_URL))


def _require_postgres() -> None:
    """Skip (locally) or fail (CI) unless the PostgreSQL test server answers."""
    engine = create_engine(_admin_url(), poolclass=NullPool, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        reason = f"PostgreSQL at {_admin_url().render_as_string()} unreachable: {exc}"
        if _in_ci():
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(reason)
    finally:
        engine.dispose()


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database; dropped (connections terminated) afterwards."""
    _require_postgres()
    name = f"laporin_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(_admin_url(), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield _admin_url().set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                )
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        admin.dispose()


@contextmanager
def sqlite_database(directory: Path) -> Iterator[str]:
    yield f"sqlite:///{directory / 'laporin_test.db'}"


@contextmanager
def empty_database(backend: str, tmp_dir: Path) -> Iterator[str]:
    if backend == "postgresql":
        with postgres_database() as url:
            yield url
    else:
        with sqlite_database(tmp_dir) as url:
            yield url


def backend_of(url: str) -> str:
    return make_url(url).get_backend_name()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"], ids=["sqlite", "postgresql"])
def db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """URL of a database migrated to head, one per backend for the whole session."""
    backend: str = request.param
    with empty_database(backend, tmp_path_factory.mktemp(f"db_{backend}")) as url:
        upgrade(url)
        yield url


@pytest.fixture
def blank_db_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, unmigrated database on the same backend as `db_url`."""
    with empty_database(backend_of(db_url), tmp_path) as url:
        yield url


@pytest.fixture
def media_dir(tmp_path: Path) -> Path:
    path = tmp_path / "media"
    path.mkdir()
    return path


def _clear_caches() -> None:
    core_settings.get_settings.cache_clear()
    core_db.get_engine.cache_clear()


# Reference rows written by tickets.reference.upgrade, kept between tests.
REFERENCE_TABLES = {"region", "agency"}


def _wipe(url: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                if table.name not in REFERENCE_TABLES:
                    conn.execute(delete(table))
    finally:
        engine.dispose()


@pytest.fixture
def db(db_url: str, media_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The migrated database of the current backend, emptied, wired into settings.

    Code under test opens its own transactions (core.db.transaction()), so isolation
    comes from deleting every row up front, not from a rolled-back outer transaction.
    """
    _wipe(db_url)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("MEDIA_DIR", str(media_dir))
    _clear_caches()
    try:
        yield db_url
    finally:
        # Close pooled connections now (not at garbage collection) so PostgreSQL is not
        # left with idle connections from every test; both cache keys may be in use.
        for key in (None, db_url):
            core_db.get_engine(key).dispose()
        _clear_caches()


@pytest.fixture
def make_image() -> MakeImage:
    """make_image(path, fmt="PNG", size=(8, 6), color=(200, 30, 30)) -> path of a real image."""

    def _make(
        path: Path | str,
        fmt: str = "PNG",
        size: tuple[int, int] = (8, 6),
        color: tuple[int, int, int] = (200, 30, 30),
    ) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", size, color).save(path, format=fmt)
        return path

    return _make


@pytest.fixture(scope="session")
def nlu_model_dir() -> Path:
    # The same artifact `make model` builds; retrained only when data or config changed.
    return train(if_needed=True).out_dir
