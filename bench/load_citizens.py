"""Simulated citizens for the load benchmark: signed webhooks at a fixed offered rate.

Open loop, as a crowd writes: message k of a step is posted at start + k / rate,
whether or not earlier ones were answered. Each citizen (a number of its own) writes
every SPACING seconds, so one step of STEP_SECONDS gives each several messages of a
conversation (a greeting, a service question, "status", a complaint's first words).
A POST refused (503, or no answer) is posted again, as Meta and Telegram redeliver.

The answer to a message is the first message the fake platform accepted for that
citizen after the POST (the fakes record the time): a citizen writes again only
SPACING seconds later, so the first reply after a POST is its answer as long as the
answer takes less than SPACING.
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from core.http import async_client
from tests.support import webhook_events as events

SPACING = 5.0
TEXTS = (
    "halo min",
    "syarat bikin ktp apa",
    "status",
    "jalan depan rumah rusak parah banyak lubang",
    "selamat pagi",
    "cara urus kk baru gimana",
    "cek laporan saya",
    "bikin sim berapa lama ya",
    "lampu jalan di gang kami mati sudah seminggu",
    "terima kasih",
    "syarat akta kelahiran",
    "sampah numpuk di pinggir jalan",
)
_update_ids = itertools.count(1)


@dataclass(frozen=True)
class Channel:
    """How one platform's webhook is posted: url path, body and headers per message."""

    name: str
    path: str
    build: Callable[[str, str], tuple[bytes, dict[str, str]]]
    key: Callable[[int, int], str]  # (step, citizen) -> the user key the fake records
    sent_path: str  # the fake's list of sends: "/sent" or "/bot_sent"


def whatsapp(app_secret: str) -> Channel:
    def build(key: str, text: str) -> tuple[bytes, dict[str, str]]:
        return events.signed(events.text_message(key, text), app_secret)

    return Channel("whatsapp", "/whatsapp/webhook", build,
                   lambda step, n: f"628{step:02d}{n:08d}", "/sent")  # fmt: skip


def telegram(secret: str, header: str) -> Channel:
    import json

    def build(key: str, text: str) -> tuple[bytes, dict[str, str]]:
        chat_id = int(key)
        person = {"id": chat_id, "is_bot": False, "first_name": "Warga"}
        update_id = next(_update_ids)
        message = {"message_id": update_id, "date": int(time.time()), "text": text,
                   "chat": {"id": chat_id, "type": "private", "first_name": "Warga"},
                   "from": person}  # fmt: skip
        raw = json.dumps({"update_id": update_id, "message": message}).encode()
        return raw, {"Content-Type": "application/json", header: secret}

    return Channel("telegram", "/telegram/webhook", build,
                   lambda step, n: str(10_000_000 * (step + 1) + n), "/bot_sent")  # fmt: skip


@dataclass
class Post:
    key: str
    at: float  # time.time() when first posted
    ack_ms: float = 0.0  # the POST that got its 200
    attempts: int = 0
    acked: bool = False


@dataclass
class Step:
    rate: int
    seconds: float
    posts: list[Post] = field(default_factory=list)
    started: float = 0.0
    refused: int = 0  # 503s and broken connections (posted again)


async def _post(client: httpx.AsyncClient, channel: Channel, post: Post, step: Step,
                text: str) -> None:  # fmt: skip
    raw, headers = channel.build(post.key, text)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        post.attempts += 1
        t0 = time.perf_counter()
        try:
            response = await client.post(channel.path, content=raw, headers=headers)
        except httpx.HTTPError:
            response = None
        if response is not None and response.status_code == 200:
            post.ack_ms = (time.perf_counter() - t0) * 1000
            post.acked = True
            return
        step.refused += 1
        await asyncio.sleep(0.5)


async def offer(base_url: str, channel: Channel, step_no: int, rate: int,
                seconds: float) -> Step:  # fmt: skip
    """Post rate x seconds messages, open loop; returns when all are acknowledged."""
    step = Step(rate, seconds)
    citizens = max(1, int(rate * SPACING))
    total = int(rate * seconds)
    limits = httpx.Limits(max_connections=1000, max_keepalive_connections=1000)
    # Through aiohttp (core/http.py): httpx's own pool would spend more CPU than the server.
    async with async_client(base_url=base_url, limits=limits, timeout=30) as client:
        tasks = []
        step.started = time.time()
        start = time.monotonic()
        for k in range(total):
            wait = start + k / rate - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            citizen, turn = k % citizens, k // citizens
            post = Post(channel.key(step_no, citizen), time.time())
            step.posts.append(post)
            text = TEXTS[(citizen + turn * 5) % len(TEXTS)]
            tasks.append(asyncio.create_task(_post(client, channel, post, step, text)))
        await asyncio.gather(*tasks)
    return step


def answers(step: Step, sent: list[tuple[str, float]]) -> list[float | None]:
    """For each post, seconds until its answer at the fake (None: none yet)."""
    by_key: dict[str, list[float]] = {}
    for key, at in sent:
        by_key.setdefault(key, []).append(at)
    for times in by_key.values():
        times.sort()
    posts_by_key: dict[str, list[Post]] = {}
    for post in step.posts:
        posts_by_key.setdefault(post.key, []).append(post)
    result: dict[int, float | None] = {}
    for key, posts in posts_by_key.items():
        times = by_key.get(key, [])
        i = 0
        for post in sorted(posts, key=lambda p: p.at):
            while i < len(times) and times[i] < post.at:
                i += 1
            result[id(post)] = times[i] - post.at if i < len(times) else None
            if i < len(times):
                i += 1
    return [result[id(post)] for post in step.posts]


def percentile(samples: list[float], share: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def summary(step: Step, latencies: list[float | None]) -> dict[str, Any]:
    answered = [s for s in latencies if s is not None]
    acks = [p.ack_ms for p in step.posts if p.acked]
    last = max((p.at + s for p, s in zip(step.posts, latencies, strict=True) if s is not None),
               default=step.started)  # fmt: skip
    span = max(last - step.started, 1e-9)
    return {
        "rate": step.rate,
        "messages": len(step.posts),
        "answered": len(answered),
        "unacked": sum(1 for p in step.posts if not p.acked),
        "refused": step.refused,
        "answered_per_s": len(answered) / span,
        "ack_p50": statistics.median(acks) if acks else float("nan"),
        "ack_p99": percentile(acks, 0.99),
        "reply_p50": statistics.median(answered) * 1000 if answered else float("nan"),
        "reply_p99": percentile(answered, 0.99) * 1000,
    }
