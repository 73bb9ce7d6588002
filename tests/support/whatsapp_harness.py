"""The served app with its WhatsApp channel talking to the fake Graph API.

The test plays Meta: it posts signed webhook bodies to /whatsapp/webhook and
reads what the bot sent to the fake Graph API. The channel's background tasks
(event processor, outbox, SLA sweeps) run in the app's event loop, as in
production; `settle()` waits until every stored event has been processed.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import func, select
from starlette.testclient import TestClient

from bot.assembly import whatsapp_channel
from bot.web import create_app
from channels.whatsapp.app import WhatsAppChannel
from channels.whatsapp.models import WhatsAppEvent
from core.db import transaction
from core.settings import Settings
from core.timestamps import utcnow
from tests.support import webhook_events as events
from tests.support.fake_graph import FakeGraph, visible_text
from tickets.models import Notification

VERIFY_TOKEN = "verify-laporin-test"
APP_SECRET = "app-secret-for-tests"
WEBHOOK = "/whatsapp/webhook"


def wait_until(predicate: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def uvicorn_thread(app: Any, port: int) -> Iterator[None]:
    """`app` served over real HTTP on 127.0.0.1:`port` while the block runs."""
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, 30, "uvicorn to start")
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(30)


def settings_for(fake: FakeGraph, *, database_url: str, media_dir: Path) -> Settings:
    return Settings(
        database_url=database_url,
        media_dir=media_dir,
        whatsapp_api_base_url=fake.base_url,
        whatsapp_api_version=fake.version,
        whatsapp_phone_number_id=fake.phone_number_id,
        whatsapp_access_token=fake.access_token,
        whatsapp_verify_token=VERIFY_TOKEN,
        whatsapp_app_secret=APP_SECRET,
    )


@dataclass
class Served:
    client: TestClient
    fake: FakeGraph
    channel: WhatsAppChannel

    def post(self, body: dict[str, Any]) -> httpx.Response:
        raw, headers = events.signed(body, APP_SECRET)
        return self.client.post(WEBHOOK, content=raw, headers=headers)

    def _idle(self) -> bool:
        with transaction(self.channel.settings.database_url) as session:
            busy = session.scalar(
                select(func.count())
                .select_from(WhatsAppEvent)
                .where(WhatsAppEvent.status.in_(("pending", "processing")))
            )
            # Replies go through the outbox: those due and not yet sent.
            replying = session.scalar(
                select(func.count())
                .select_from(Notification)
                .where(
                    Notification.reply.is_not(None),
                    Notification.status.in_(("pending", "sending")),
                    Notification.next_attempt_at <= utcnow(),
                )
            )
        return not busy and not replying

    def settle(self, timeout: float = 20.0) -> None:
        """Wait until no stored event is pending or being processed, and no reply due
        is still unsent."""
        wait_until(self._idle, timeout, "whatsapp events to be processed")

    def until(self, predicate: Callable[[], bool], timeout: float = 20.0) -> None:
        wait_until(predicate, timeout, "the condition")

    def send(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """Post one webhook body and return the payloads the bot sent because of it."""
        before = len(self.fake.sent)
        assert self.post(body).status_code == 200
        self.settle()
        return [s.payload for s in self.fake.sent[before:]]

    def say(self, wa_id: str, text: str) -> list[dict[str, Any]]:
        return self.send(events.text_message(wa_id, text))


@contextmanager
def serve(*, database_url: str, media_dir: Path, fake: FakeGraph | None = None) -> Iterator[Served]:
    fake = fake or FakeGraph()
    settings = settings_for(fake, database_url=database_url, media_dir=media_dir)
    channel = whatsapp_channel(
        settings=settings, transport=httpx.ASGITransport(app=fake.app), idle_seconds=0.05
    )
    with TestClient(create_app(settings=settings, whatsapp=channel)) as client:
        yield Served(client, fake, channel)


def body_texts(payloads: list[dict[str, Any]]) -> list[str]:
    """What the citizen reads: text bodies and interactive bodies, in order."""
    return [t for t in map(visible_text, payloads) if t is not None]


def reply_ids(payload: dict[str, Any]) -> dict[str, str]:
    """Title -> id of an interactive message's buttons or list rows."""
    interactive = payload["interactive"]
    if interactive["type"] == "button":
        return {b["reply"]["title"]: b["reply"]["id"] for b in interactive["action"]["buttons"]}
    rows = [r for s in interactive["action"]["sections"] for r in s["rows"]]
    return {r["title"]: r["id"] for r in rows}


def dumps(payloads: list[dict[str, Any]]) -> str:
    return json.dumps(payloads, ensure_ascii=False)
