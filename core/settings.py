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
    # Bot API server; change for tests or a self-hosted Bot API server.
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"
    # Webhook mode: Telegram sends this in X-Telegram-Bot-Api-Secret-Token.
    telegram_webhook_secret: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,256}$")
    # Long polling: seconds between getUpdates calls and the server-side wait.
    telegram_poll_interval: float = Field(default=0.0, ge=0)
    telegram_poll_timeout: int = Field(default=10, ge=0)
    # WhatsApp Cloud API. The base URL and version are settings so that tests,
    # proxies and on-premise gateways can stand in for graph.facebook.com.
    whatsapp_api_base_url: str = "https://graph.facebook.com"
    whatsapp_api_version: str = Field(default="v26.0", pattern=r"^v\d+\.\d+$")
    whatsapp_phone_number_id: str | None = None
    whatsapp_access_token: str | None = None
    # Webhook: the handshake token chosen in the Meta app, and the app secret
    # that signs every POST (X-Hub-Signature-256).
    whatsapp_verify_token: str | None = None
    whatsapp_app_secret: str | None = None
    # Approved message template for ticket news outside the 24-hour window:
    # body "{{1}}" = ticket number, "{{2}}" = the news in one line.
    whatsapp_status_template: str = "laporin_status_laporan"
    whatsapp_template_language: str = "id"
    log_level: str = "INFO"

    @property
    def whatsapp_enabled(self) -> bool:
        return all(
            (
                self.whatsapp_phone_number_id,
                self.whatsapp_access_token,
                self.whatsapp_verify_token,
                self.whatsapp_app_secret,
            )
        )


@lru_cache
def get_settings() -> Settings:
    return Settings()
