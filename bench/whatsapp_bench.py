"""WhatsApp webhook: how fast Meta gets its 200, and how fast the citizen gets a reply.

The served app (uvicorn on a loopback port, the WhatsApp channel's background
tasks running) receives signed webhook bodies over real HTTP; the Graph API is
the fake from the tests (tests/support/fake_graph.py), in-process.

- ack: POST -> 200, while the processor works on earlier messages (Meta retries
  if this is slow, so it must stay at a few milliseconds whatever the NLU costs);
- reply: POST -> the first reply payload accepted by the Graph API, one message at
  a time (verification, storing, NLU, engine, Graph call).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import use_database

BURST = 100
SEQUENTIAL = 40
TEXTS = [
    "halo min",
    "gmn cara bikin ktp?",
    "jln depan rumah rusak parah bgt min",
    "syarat bikin sim apa aja",
    "status laporan saya",
]


def bench_whatsapp(database_url: str, media_dir: Path) -> dict[str, Any]:
    from bot.assembly import whatsapp_channel
    from bot.web import create_app
    from core import db
    from tests.support import webhook_events as events
    from tests.support.fake_graph import FakeGraph
    from tests.support.whatsapp_harness import (
        APP_SECRET,
        WEBHOOK,
        free_port,
        settings_for,
        uvicorn_thread,
    )

    use_database(database_url, media_dir)
    fake = FakeGraph()
    config = settings_for(fake, database_url=database_url, media_dir=media_dir)
    channel = whatsapp_channel(
        settings=config, transport=httpx.ASGITransport(app=fake.app), idle_seconds=0.05
    )
    port = free_port()

    def post(client: httpx.Client, body: dict[str, Any]) -> float:
        raw, headers = events.signed(body, APP_SECRET)
        t0 = time.perf_counter()
        response = client.post(WEBHOOK, content=raw, headers=headers)
        elapsed = (time.perf_counter() - t0) * 1000
        assert response.status_code == 200, response.status_code
        return elapsed

    ack: list[float] = []
    reply: list[float] = []
    app = create_app(settings=config, whatsapp=channel)
    with (
        uvicorn_thread(app, port),
        httpx.Client(base_url=f"http://127.0.0.1:{port}") as client,
    ):
        post(client, events.text_message("6280000000000", "halo"))  # warm-up: NLU load
        while not fake.sent:
            time.sleep(0.01)
        for i in range(BURST):  # 20 citizens writing at once
            body = events.text_message(f"62811{i % 20:07d}", TEXTS[i % len(TEXTS)])
            ack.append(post(client, body))
        deadline = time.monotonic() + 120
        while len(fake.read_receipts) < BURST + 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        for i in range(SEQUENTIAL):
            before = len(fake.sent)
            t0 = time.perf_counter()
            # A new number each time: one number's 40 messages a minute would meet the
            # per-citizen rate limit, which is not what this measures.
            post(client, events.text_message(f"62822{i:08d}", TEXTS[i % len(TEXTS)]))
            while len(fake.sent) == before:
                time.sleep(0.001)
            reply.append((time.perf_counter() - t0) * 1000)
    db.get_engine(database_url).dispose()
    if fake.violations:
        raise AssertionError(f"payloads outside Meta's formats: {fake.violations}")
    return {"ack": ack, "reply": reply}
