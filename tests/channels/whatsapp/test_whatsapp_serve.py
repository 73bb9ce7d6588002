"""The real entry point: `python -m bot serve` with WhatsApp settings, over HTTP.

The fake Graph API listens on a loopback port (uvicorn in a thread); the bot runs
as its own process, configured only by environment variables, as in production.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core.settings import ROOT_DIR
from tests.support import webhook_events as events
from tests.support.fake_graph import FakeGraph
from tests.support.whatsapp_harness import (
    APP_SECRET,
    VERIFY_TOKEN,
    WEBHOOK,
    free_port,
    uvicorn_thread,
    wait_until,
)

WA = "6281298765432"


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    port = free_port()
    fake = FakeGraph(base_url=f"http://127.0.0.1:{port}")
    with uvicorn_thread(fake.app, port):
        yield fake


def test_serve_entry_point_answers_whatsapp(
    db: str, media_dir: Path, nlu_model_dir: Path, graph: FakeGraph
) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WHATSAPP_"))}
    env.update(
        DATABASE_URL=db, MEDIA_DIR=str(media_dir), NLU_MODEL_DIR=str(nlu_model_dir),
        WHATSAPP_API_BASE_URL=graph.base_url, WHATSAPP_API_VERSION=graph.version,
        WHATSAPP_PHONE_NUMBER_ID=graph.phone_number_id,
        WHATSAPP_ACCESS_TOKEN=graph.access_token,
        WHATSAPP_VERIFY_TOKEN=VERIFY_TOKEN, WHATSAPP_APP_SECRET=APP_SECRET,
    )  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port)], cwd=ROOT_DIR, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return httpx.get(f"{base}/healthz").status_code == 200
        except httpx.TransportError:
            return False

    try:
        wait_until(healthy, 60, "the server")
        handshake = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN,
                     "hub.challenge": "42"}  # fmt: skip
        assert httpx.get(f"{base}{WEBHOOK}", params=handshake).text == "42"
        raw, headers = events.signed(events.text_message(WA, "halo min"), APP_SECRET)
        assert httpx.post(f"{base}{WEBHOOK}", content=raw, headers=headers).status_code == 200
        wait_until(lambda: graph.texts_to(WA), 60, "a reply at the Graph API")
    finally:
        process.send_signal(signal.SIGINT)
        try:
            out, err = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
    assert graph.read_receipts and graph.violations == []
    logs = (out + err).decode()
    assert "POST /whatsapp/webhook" in logs  # the access log is on ...
    for secret in (WA, VERIFY_TOKEN, graph.access_token, APP_SECRET, "halo min"):
        assert secret not in logs, f"{secret!r} must never be logged"  # ... without these
