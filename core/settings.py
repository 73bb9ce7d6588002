"""Runtime settings, read from the environment (and an optional .env file)."""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ROOT_DIR = Path(__file__).resolve().parent.parent
# The databases the migrations and the row locking are written for.
DATABASE_BACKENDS = ("sqlite", "postgresql")
# PIL.Image.MAX_IMAGE_PIXELS (Pillow's default decompression-bomb threshold).
PILLOW_MAX_IMAGE_PIXELS = 89_478_485
WHATSAPP_SETTINGS = (
    "whatsapp_phone_number_id",
    "whatsapp_access_token",
    "whatsapp_verify_token",
    "whatsapp_app_secret",
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=ROOT_DIR / ".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{ROOT_DIR / 'data' / 'laporin.db'}",
        description="SQLAlchemy URL; PostgreSQL in production (postgresql+psycopg://...).",
    )
    # PostgreSQL connections a process keeps (and half as many more at peaks): the
    # processors' turns, the outbox and the webhooks each hold one per transaction.
    database_pool_size: int = Field(default=20, ge=1, le=200)
    media_dir: Path = Field(default=ROOT_DIR / "data" / "media")
    max_photo_bytes: int = Field(default=10 * 1024 * 1024, ge=1)
    # Width x height of an accepted photo; phone cameras take 12-50 MP, and every
    # photo is decoded whole when it is re-encoded without metadata.
    max_photo_pixels: int = 40_000_000
    # Photos one report keeps; the next one is refused with a reply.
    max_photos_per_report: int = Field(default=5, ge=1)
    # A photo waits this long in the Telegram/WhatsApp intake queue before it is
    # processed, so that the rest of an album sent with it is stored by then: the
    # album is then answered once, after its last photo.
    album_wait_seconds: float = Field(default=2.0, ge=0, le=30)
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
    # The same for news that asks for a choice (a resolved ticket: rate 1-5 or
    # "Belum beres"), with the notification's buttons as quick replies, in order;
    # empty: such news goes as the status template (the citizen types the answer).
    whatsapp_rating_template: str = "laporin_laporan_selesai"
    # A staff answer to a citizen who asked for a person (a handoff request):
    # body "{{1}}" = the request number ("#12"), "{{2}}" = the answer in one line.
    whatsapp_handoff_template: str = "laporin_jawaban_petugas"
    whatsapp_template_language: str = "id"
    # Messages a second the business phone number may send (Meta: 80 by default, 1,000
    # after its automatic upgrade; incoming messages count too, so leave room).
    whatsapp_messages_per_second: float = Field(default=80, ge=10, le=1000)
    log_level: str = "INFO"
    # Per citizen: messages a minute beyond which they are logged but not processed,
    # and reports an hour beyond which a new one is refused (politely).
    rate_messages_per_minute: int = Field(default=20, ge=1)
    rate_reports_per_hour: int = Field(default=5, ge=1)
    # Stored updates and events a process handles at once per channel: one
    # conversation's in order, different conversations side by side. A turn is
    # mostly CPU under one interpreter lock: more at once only make every turn (and
    # the webhooks' answers) slower; more processes (`bot serve --workers N`) add CPU.
    processor_workers: int = Field(default=2, ge=1, le=64)
    # `bot serve` processes sharing the queues (`--workers N` sets it for them): each
    # then leaves claims a crashed run left behind to the leases, rather than taking
    # back at start what another process is working on.
    serve_processes: int = Field(default=1, ge=1, le=32)
    # Chats an outbox worker sends to at once (each chat's messages stay in order).
    outbox_concurrency: int = Field(default=64, ge=1, le=1000)
    # How long a worker's claim on stored work holds before another round may take
    # it again (the worker died or lost the database mid-job).
    queue_lease_seconds: float = Field(default=300.0, gt=0)
    # /healthz says "degraded" when a stored update or message waits longer than this.
    queue_max_age_seconds: float = Field(default=300.0, gt=0)
    # The staff workspace (/petugas/): a login session ends after this long without
    # a request, and after workspace_session_max_hours in any case.
    workspace_session_idle_minutes: int = Field(default=120, ge=1, le=24 * 60)
    workspace_session_max_hours: int = Field(default=12, ge=1, le=24 * 30)
    # Failed logins within workspace_login_window_minutes after which more are refused:
    # per e-mail address, and per client address (many accounts tried from one place).
    workspace_login_failures_per_email: int = Field(default=5, ge=1)
    workspace_login_failures_per_client: int = Field(default=20, ge=1)
    workspace_login_window_minutes: int = Field(default=15, ge=1)
    # The ticket map's tiles ({z}/{x}/{y}); empty: no tiles (the pin and its
    # coordinates still show). The attribution is shown on the map as the tiles'
    # licence asks.
    workspace_tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    workspace_tile_attribution: str = (
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
    )
    # Send the session cookie only over HTTPS even when the request arrived as http
    # (behind a proxy that does not say X-Forwarded-Proto).
    workspace_cookie_secure: bool = False
    # Seconds between the queue's and the inbox's refreshes in the browser.
    workspace_refresh_seconds: int = Field(default=20, ge=1, le=3600)
    # Open311 GeoReport v2 (/open311/v2/): the jurisdiction_id clients may send, and
    # how many reports one API key may file per hour.
    open311_jurisdiction: str = "lampungprov.go.id"
    open311_reports_per_key_per_hour: int = Field(default=600, ge=1)

    # A mistyped value stops the start with the setting's name, rather than
    # surfacing later as a connection error or a silently different behaviour.
    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        try:
            backend = make_url(value).get_backend_name()
        except ArgumentError as error:
            raise ValueError(f"not a database URL: {error}") from None
        if backend not in DATABASE_BACKENDS:
            raise ValueError(f"{backend!r} is not supported; use one of {DATABASE_BACKENDS}")
        return value

    @field_validator("telegram_base_url", "telegram_base_file_url", "whatsapp_api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL")
        return value

    @field_validator("max_photo_pixels")
    @classmethod
    def _photo_pixels(cls, value: int) -> int:
        # Above Pillow's own bomb threshold it warns or refuses before we can decide.
        if not 1 <= value <= PILLOW_MAX_IMAGE_PIXELS:
            raise ValueError(f"must be between 1 and {PILLOW_MAX_IMAGE_PIXELS}")
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in logging.getLevelNamesMapping():
            raise ValueError(f"unknown log level {value!r}")
        return level

    @property
    def queue_lease(self) -> timedelta:
        return timedelta(seconds=self.queue_lease_seconds)

    @property
    def whatsapp_missing(self) -> list[str]:
        """The WhatsApp settings still unset (all four or none make sense)."""
        return [name.upper() for name in WHATSAPP_SETTINGS if not getattr(self, name)]

    @property
    def whatsapp_enabled(self) -> bool:
        return not self.whatsapp_missing

    @property
    def whatsapp_configured_in_part(self) -> bool:
        """Some but not all WhatsApp settings: a mistake to report, not a channel to skip."""
        return 0 < len(self.whatsapp_missing) < len(WHATSAPP_SETTINGS)


@lru_cache
def get_settings() -> Settings:
    return Settings()
