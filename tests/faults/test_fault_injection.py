"""Fault injection: the real `python -m bot serve`, citizens on both webhook channels at
once, and the server killed (SIGKILL) or its database restarted or taken away.

A throw-away PostgreSQL cluster (tests/support/pg_cluster.py) stands in for the
database, so it can be stopped; the Graph API and the Bot API are local fakes. The
citizens behave like the platforms: a message that did not get its 200 is posted
again (the same body), until it does. Each citizen files one complaint and waits
for every answer before the next message, as a person would.

After the faults: every citizen has exactly one ticket (0 lost, 0 duplicated), was
told its number (0 replies lost), and no stored update, event or reply is stuck or
dead. Bounded: a few citizens, loopback only, every wait has a deadline.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from channels.telegram.models import TelegramUpdate
from channels.telegram.webhook import SECRET_HEADER, TELEGRAM_WEBHOOK_PATH
from channels.whatsapp.models import WhatsAppEvent
from core.settings import ROOT_DIR
from tests.support import webhook_events as events
from tests.support.fake_bot_api import FakeBotApi
from tests.support.fake_graph import FakeGraph
from tests.support.pg_cluster import Cluster, throwaway_cluster
from tests.support.whatsapp_harness import (
    APP_SECRET,
    VERIFY_TOKEN,
    WEBHOOK,
    free_port,
    uvicorn_thread,
    wait_until,
)
from tickets.models import Contact, Notification, Ticket

pytestmark = pytest.mark.faults

CITIZENS_PER_CHANNEL = 5
PIN = "pin"  # each citizen's own place: the same pin twice is offered as a duplicate
STEPS = ["jalan depan rumah rusak parah, lubangnya besar sekali", PIN, "lewati", "ya"]
TOKEN = "4242:FAULTS"
SECRET = "faults-secret"
NUMBER = re.compile(r"LPG-\d{4}-\d{6}")
# How long a citizen waits for an answer, and how long the whole run may take.
ANSWER_WAIT = 120.0


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with throwaway_cluster() as running:
        yield running


@pytest.fixture(scope="module")
def platforms() -> Iterator[tuple[FakeGraph, FakeBotApi, str]]:
    graph_port, bot_port = free_port(), free_port()
    graph = FakeGraph(base_url=f"http://127.0.0.1:{graph_port}")
    bot_api = FakeBotApi()
    with uvicorn_thread(graph.app, graph_port), uvicorn_thread(bot_api.app, bot_port):
        yield graph, bot_api, f"http://127.0.0.1:{bot_port}"


class Server:
    """`python -m bot serve` as production runs it, configured only by environment."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.base = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.kills = 0

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "serve", "--port", str(self.port)],
                cwd=ROOT_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        wait_until(self._answers, 90, "the server to start")

    def _answers(self) -> bool:
        try:
            return httpx.get(f"{self.base}/healthz", timeout=2).status_code in (200, 503)
        except httpx.TransportError:
            return False

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)
        self.kills += 1

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(30)


@dataclass
class Run:
    server: Server
    graph: FakeGraph
    bot_api: FakeBotApi
    acked: int = 0
    redeliveries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    errors: list[str] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)
    expected: set[str] = field(default_factory=set)  # every citizen's user key
    places: Iterator[int] = field(default_factory=itertools.count)  # one pin each

    def deliver(self, post: Callable[[], httpx.Response]) -> None:
        """Post until the server says 200, as Meta and Telegram redeliver."""
        deadline = time.monotonic() + ANSWER_WAIT
        while time.monotonic() < deadline:
            try:
                if post().status_code == 200:
                    with self.lock:
                        self.acked += 1
                    return
            except httpx.TransportError:
                pass  # the server is down: the platform tries again
            with self.lock:
                self.redeliveries += 1
            time.sleep(0.2)
        raise AssertionError("a message was never acknowledged")


_update_ids = itertools.count(1)


def _post(url: str, **kwargs: Any) -> httpx.Response:
    return httpx.post(url, timeout=10, **kwargs)


def _step(run: Run, post: Callable[[], httpx.Response], told: Callable[[], list[str]]) -> None:
    """One message: delivered until acknowledged, then waited on until answered."""
    before = len(told())
    run.deliver(post)
    wait_until(lambda: len(told()) > before, ANSWER_WAIT, "an answer")


def _pin(number: int) -> tuple[float, float]:
    """About 1.3 km apart, all in Kota Bandar Lampung (up to 16 places)."""
    return -5.36 - 0.012 * (number % 8), 105.22 + 0.03 * (number // 8 % 2)


def _whatsapp_citizen(run: Run, wa_id: str, number: int) -> None:
    for step in STEPS:
        if step == PIN:
            body = events.location_message(wa_id, *_pin(number))
        else:
            body = events.text_message(wa_id, step)
        raw, headers = events.signed(body, APP_SECRET)
        post = partial(_post, f"{run.server.base}{WEBHOOK}", content=raw, headers=headers)
        _step(run, post, partial(run.graph.texts_to, wa_id))


def _telegram_citizen(run: Run, chat_id: int, number: int) -> None:
    person = {"id": chat_id, "is_bot": False, "first_name": "Warga"}
    chat = {"id": chat_id, "type": "private", "first_name": "Warga"}
    for step in STEPS:
        update_id = next(_update_ids)
        message: dict[str, Any] = {"message_id": update_id, "date": int(time.time()),
                                   "chat": chat, "from": person}  # fmt: skip
        if step == PIN:
            latitude, longitude = _pin(number)
            message["location"] = {"latitude": latitude, "longitude": longitude}
        else:
            message["text"] = step
        post = partial(_post, f"{run.server.base}{TELEGRAM_WEBHOOK_PATH}",
                       json={"update_id": update_id, "message": message},
                       headers={SECRET_HEADER: SECRET})  # fmt: skip
        _step(run, post, partial(run.bot_api.texts_to, chat_id))


def _citizens(run: Run, first: int, count: int = CITIZENS_PER_CHANNEL) -> None:
    """`count` citizens on each channel start their conversations."""

    def guarded(target: Callable[..., None], *args: Any) -> Callable[[], None]:
        def go() -> None:
            try:
                target(run, *args)
            except BaseException as error:  # reported by the test, not lost in a thread
                run.errors.append(f"{args[0]}: {error}")

        return go

    threads = []
    for n in range(count):
        wa_id, chat_id = f"62812{first + n:07d}", 700_000 + first + n
        run.expected |= {wa_id, str(chat_id)}
        threads += [
            threading.Thread(target=guarded(_whatsapp_citizen, wa_id, next(run.places))),
            threading.Thread(target=guarded(_telegram_citizen, chat_id, next(run.places))),
        ]
    for thread in threads:
        thread.start()
    run.threads += threads


def _at_acks(run: Run, count: int, timeout: float = 120) -> None:
    wait_until(lambda: run.acked >= count, timeout, f"{count} acknowledged messages")


def _kill_three_times(run: Run, cluster: Cluster) -> None:
    """SIGKILL at three points drawn anew each run (the seed is printed), so CI runs
    sample every stage: storing, processing, committing, sending."""
    total = 2 * CITIZENS_PER_CHANNEL * len(STEPS)
    seed = int(os.environ.get("FAULT_SEED", time.time_ns() % 1_000_000))
    print(f"\nsigkill seed {seed} (FAULT_SEED={seed} repeats this run)")
    for share in sorted(random.Random(seed).uniform(0.05, 0.95) for _ in range(3)):
        _at_acks(run, int(total * share))
        run.server.kill()
        run.server.start()


def _restart_database(run: Run, cluster: Cluster) -> None:
    _at_acks(run, CITIZENS_PER_CHANNEL * len(STEPS) // 2)
    cluster.restart()


def _database_away_20_s(run: Run, cluster: Cluster) -> None:
    _at_acks(run, CITIZENS_PER_CHANNEL * len(STEPS) // 2)
    cluster.stop()
    time.sleep(2)
    # Citizens who write while the database is away: 503 until it is back.
    _citizens(run, first=run_first(run) + 50, count=2)
    time.sleep(18)
    cluster.start()


def run_first(run: Run) -> int:
    return min(int(key) - 700_000 for key in run.expected if not key.startswith("62"))


FAULTS = {
    "sigkill-3x": _kill_three_times,
    "db-restart": _restart_database,
    "db-outage-20s": _database_away_20_s,
}


def _stuck(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        counts = {
            "telegram": conn.scalar(select(func.count()).select_from(TelegramUpdate)
                                    .where(TelegramUpdate.status != "done")),
            "whatsapp": conn.scalar(select(func.count()).select_from(WhatsAppEvent)
                                    .where(WhatsAppEvent.status != "done")),
            "replies": conn.scalar(select(func.count()).select_from(Notification)
                                   .where(Notification.reply.is_not(None),
                                          Notification.status != "sent")),
        }  # fmt: skip
    return {name: int(n or 0) for name, n in counts.items()}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_nothing_is_lost_or_duplicated_under_faults(
    fault: str,
    cluster: Cluster,
    platforms: tuple[FakeGraph, FakeBotApi, str],
    nlu_model_dir: Path,
    tmp_path: Path,
) -> None:
    graph, bot_api, bot_api_url = platforms
    database = cluster.create_database(f"faults_{fault.replace('-', '_')}")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WHATSAPP_"))}
    env.update(
        DATABASE_URL=database, MEDIA_DIR=str(tmp_path / "media"),
        NLU_MODEL_DIR=str(nlu_model_dir), QUEUE_LEASE_SECONDS="5", LOG_LEVEL="WARNING",
        WHATSAPP_API_BASE_URL=graph.base_url, WHATSAPP_API_VERSION=graph.version,
        WHATSAPP_PHONE_NUMBER_ID=graph.phone_number_id, WHATSAPP_ACCESS_TOKEN=graph.access_token,
        WHATSAPP_VERIFY_TOKEN=VERIFY_TOKEN, WHATSAPP_APP_SECRET=APP_SECRET,
        TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_WEBHOOK_SECRET=SECRET,
        TELEGRAM_BASE_URL=f"{bot_api_url}/bot", TELEGRAM_BASE_FILE_URL=f"{bot_api_url}/file/bot",
    )  # fmt: skip
    server = Server(env, free_port(), tmp_path / "server.log")
    server.start()
    run = Run(server, graph, bot_api)
    engine = create_engine(database, poolclass=NullPool)
    try:
        # Other ids in every run: the fakes are shared, ticket numbers start again.
        first = 100 * sorted(FAULTS).index(fault)
        _citizens(run, first)
        FAULTS[fault](run, cluster)
        for thread in run.threads:
            thread.join(ANSWER_WAIT * len(STEPS))
        assert run.errors == [], (run.errors, server.log.read_text()[-3000:])
        wait_until(lambda: sum(_stuck(engine).values()) == 0, 60, "the queues to drain")
        with engine.connect() as conn:
            rows = conn.execute(
                select(Contact.user_key, func.count(Ticket.id), func.min(Ticket.number))
                .join(Ticket, Ticket.citizen_id == Contact.citizen_id)
                .group_by(Contact.user_key)
            ).all()
        tickets = {key: (count, number) for key, count, number in rows}
        expected = run.expected
        told_all = {k: (graph.texts_to(k) if k.startswith("62") else bot_api.texts_to(int(k)))
                    for k in expected}  # fmt: skip
        assert set(tickets) == expected, {k: told_all[k] for k in expected - set(tickets)}
        assert {count for count, _ in tickets.values()} == {1}  # 0 duplicated
        for key, (_, number) in tickets.items():  # 0 replies lost: each was told its number
            told = graph.texts_to(key) if key.startswith("62") else bot_api.texts_to(int(key))
            assert any(number in text for text in told), (key, number, told[-3:])
        assert _stuck(engine) == {"telegram": 0, "whatsapp": 0, "replies": 0}  # 0 stuck
        print(f"\n{fault}: {run.acked} messages acknowledged, {run.redeliveries} redeliveries, "
              f"{server.kills} kills, {len(tickets)} tickets")  # fmt: skip
    finally:
        engine.dispose()
        server.stop()
