"""One citizen floods the WhatsApp webhook; how long do the other citizens wait?

The served app (uvicorn on a loopback port, the channel's processors and outbox
running) gets FLOOD messages from one number as fast as they can be posted, while
QUIET other citizens each send their messages one at a time and wait for each
answer. Measured: the other citizens' wait for an answer, with and without the
flood, and what happened to the flood (answered, or kept but not processed by the
per-citizen rate limit).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import use_database

FLOOD = 300
QUIET = 5
QUIET_MESSAGES = 6
TEXTS = ["halo min", "gmn cara bikin ktp?", "status laporan saya", "syarat bikin sim apa aja"]


def _answer_waits(client: httpx.Client, fake: Any, sign: Any, text_message: Any) -> list[float]:
    waits: list[float] = []
    lock = threading.Lock()

    def citizen(n: int) -> None:
        wa_id = f"62833{n:07d}"
        for i in range(QUIET_MESSAGES):
            before = len(fake.texts_to(wa_id))
            raw, headers = sign(text_message(wa_id, TEXTS[i % len(TEXTS)]))
            t0 = time.perf_counter()
            assert client.post("/whatsapp/webhook", content=raw, headers=headers).status_code == 200
            deadline = time.monotonic() + 120
            while len(fake.texts_to(wa_id)) == before and time.monotonic() < deadline:
                time.sleep(0.002)
            with lock:
                waits.append((time.perf_counter() - t0) * 1000)

    threads = [threading.Thread(target=citizen, args=(n,)) for n in range(QUIET)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return waits


def _waiting(database_url: str) -> int:
    from sqlalchemy import func, select

    from channels.whatsapp.models import WhatsAppEvent
    from core.db import transaction

    with transaction(database_url) as session:
        open_events = select(func.count()).select_from(WhatsAppEvent)
        return int(session.scalar(open_events.where(WhatsAppEvent.status != "done")) or 0)


def bench_flood(database_url: str, media_dir: Path) -> dict[str, Any]:
    from sqlalchemy import func, select

    from bot.assembly import whatsapp_channel
    from bot.web import create_app
    from core import db
    from core.db import transaction
    from dialogue.models import MessageLog
    from tests.support import webhook_events as events
    from tests.support.fake_graph import FakeGraph
    from tests.support.whatsapp_harness import APP_SECRET, free_port, settings_for, uvicorn_thread

    use_database(database_url, media_dir)
    fake = FakeGraph()
    config = settings_for(fake, database_url=database_url, media_dir=media_dir)
    channel = whatsapp_channel(
        settings=config, transport=httpx.ASGITransport(app=fake.app), idle_seconds=0.05
    )
    port = free_port()

    def sign(body: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        return events.signed(body, APP_SECRET)

    flooder = "6289999999999"
    with (
        uvicorn_thread(create_app(settings=config, whatsapp=channel), port),
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client,
    ):
        calm = _answer_waits(client, fake, sign, events.text_message)

        def flood() -> None:
            for i in range(FLOOD):
                raw, headers = sign(events.text_message(flooder, f"spam {i}"))
                client.post("/whatsapp/webhook", content=raw, headers=headers)

        flooding = threading.Thread(target=flood)
        flooding.start()
        time.sleep(0.2)  # the flood is under way
        during = _answer_waits(client, fake, sign, events.text_message)
        flooding.join()
        deadline = time.monotonic() + 120  # until every stored event is processed
        while _waiting(database_url) and time.monotonic() < deadline:
            time.sleep(0.05)
        answered = len(fake.texts_to(flooder))
    with transaction(database_url) as session:
        limited = session.scalar(
            select(func.count()).select_from(MessageLog).where(MessageLog.direction == "in")
        )
    db.get_engine(database_url).dispose()
    return {"calm": calm, "flood": during, "flood_answered": answered,
            "logged_in": int(limited or 0)}  # fmt: skip
