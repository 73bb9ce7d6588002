"""Runtime settings, read from the environment (and an optional .env file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT_DIR = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=ROOT_DIR / ".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{ROOT_DIR / 'data' / 'laporin.db'}",
        description="SQLAlchemy URL; PostgreSQL in production (postgresql+psycopg://...).",
    )
    media_dir: Path = Field(default=ROOT_DIR / "data" / "media")
    max_photo_bytes: int = Field(default=10 * 1024 * 1024, ge=1)
    nlu_model_dir: Path = Field(default=ROOT_DIR / "nlu" / "models" / "current")
    telegram_bot_token: str | None = None
    log_level: str = "INFO"


@lru_cache
def get_settings() -> Settings:
    return Settings()
