"""The outbox sends to different chats side by side and to one chat in order, loses
nothing when a send fails, lets replies past ticket news, and claims and settles many
rows per transaction (both backends)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event, select, update

from bot.outbox import OutboxWorker
from bot.settlement import Settled, Settlement
from core.db import get_engine, transaction
from core.timestamps import utcnow
from dialogue.delivery import Delivery, Outcome, Result
from dialogue.engine import DialogueEngine
from tickets import notifications
from tickets.models import Notification

CHANNEL = "telegram"


def _replies(user_key: str, count: int, update: str = "u1") -> list[int]:
    with transaction() as session:
        notifications.enqueue_replies(
            session=session, channel=CHANNEL, user_key=user_key, update_id=update,
            replies=[{"text": f"{user_key}-{i}"} for i in range(count)],
        )  # fmt: skip
        texts = {f"{user_key}-{i}" for i in range(count)}
        rows = session.scalars(
            select(Notification).where(Notification.user_key == user_key).order_by(Notification.id)
        )
        return [row.id for row in rows if (row.reply or {}).get("text") in texts]


def _news(user_key: str, key: str) -> None:
    with transaction() as session:
        notifications.enqueue(
            session=session, channel=CHANNEL, user_key=user_key,
            response="utter_maaf_gangguan", variables={}, dedupe_key=key,
        )  # fmt: skip


def _statuses() -> dict[int, tuple[str, int]]:
    with transaction() as session:
        rows = session.scalars(select(Notification).order_by(Notification.id))
        return {row.id: (row.status, row.attempts) for row in rows}


def _worker(deliver: Any, concurrency: int = 8) -> OutboxWorker:
    return OutboxWorker(channel=CHANNEL, engine=DialogueEngine(parse=lambda t: {}),
                        deliver=deliver, concurrency=concurrency, idle_seconds=0.05)  # fmt: skip


def test_chats_go_side_by_side_and_each_chat_in_order(db: str) -> None:
    chats = ["41", "42", "43"]
    for key in chats:
        _replies(key, 3)
    sent: list[str] = []
    in_flight: Counter[str] = Counter()
    overlapped: list[int] = []

    async def main() -> int:
        firsts_started = asyncio.Event()
        started: set[str] = set()

        async def deliver(delivery: Delivery) -> Outcome:
            key = delivery.user_key
            in_flight[key] += 1
            assert in_flight[key] == 1, "two sends to one chat at once"
            started.add(key)
            if len(started) == len(chats):
                firsts_started.set()
            # Each chat's first send waits until every chat has one in flight: one
            # send at a time would never get past this.
            await asyncio.wait_for(firsts_started.wait(), timeout=10)
            overlapped.append(sum(1 for n in in_flight.values() if n))
            sent.append(delivery.message.text or "")
            in_flight[key] -= 1
            return Outcome(Result.SENT)

        return await _worker(deliver).deliver_due()

    assert asyncio.run(main()) == 9
    assert max(overlapped) == 3
    for key in chats:
        assert [t for t in sent if t.startswith(key)] == [f"{key}-{i}" for i in range(3)]
    assert {status for status, _ in _statuses().values()} == {"sent"}


def test_a_send_to_retry_holds_back_only_its_own_chat(db: str) -> None:
    a1, a2, a3 = _replies("51", 3)
    b1, b2 = _replies("52", 2)
    sent: list[str] = []

    async def deliver(delivery: Delivery) -> Outcome:
        if delivery.notification_id == a1 and not sent.count("51-0#tried"):
            sent.append("51-0#tried")
            return Outcome(Result.RETRY, "TimedOut")
        sent.append(delivery.message.text or "")
        return Outcome(Result.SENT)

    worker = _worker(deliver)
    assert asyncio.run(worker.deliver_due()) == 5  # a1 tried, a2 and a3 put back, b sent
    statuses = _statuses()
    assert statuses[a1] == ("pending", 1)  # to retry after its backoff
    assert statuses[a2] == statuses[a3] == ("pending", 0)  # not sent, no attempt spent
    assert statuses[b1] == statuses[b2] == ("sent", 1)
    assert asyncio.run(worker.deliver_due()) == 0  # a2 and a3 wait behind a1
    with transaction() as session:
        session.execute(update(Notification).where(Notification.id == a1)
                        .values(next_attempt_at=utcnow() - timedelta(seconds=1)))  # fmt: skip
    assert asyncio.run(worker.deliver_due()) == 3
    assert [t for t in sent if t.startswith("51")] == ["51-0#tried", "51-0", "51-1", "51-2"]
    assert {status for status, _ in _statuses().values()} == {"sent"}


def test_a_crashing_send_loses_nothing(db: str) -> None:
    [row] = _replies("61", 1)
    calls: list[int] = []

    async def deliver(delivery: Delivery) -> Outcome:
        calls.append(delivery.notification_id)
        if len(calls) == 1:
            raise ConnectionError("network down")
        return Outcome(Result.SENT)

    worker = _worker(deliver)
    asyncio.run(worker.deliver_due())
    assert _statuses()[row] == ("pending", 1)
    with transaction() as session:
        session.execute(update(Notification).values(next_attempt_at=utcnow()))
    asyncio.run(worker.deliver_due())
    assert _statuses()[row] == ("sent", 2) and calls == [row, row]


def test_a_reply_does_not_wait_behind_other_peoples_news(db: str) -> None:
    for n in range(12):
        _news(f"7{n:02d}", f"news:{n}")
    [reply] = _replies("799", 1)
    news_started: list[str] = []
    replied = asyncio.Event()

    async def main() -> None:
        release = asyncio.Event()

        async def deliver(delivery: Delivery) -> Outcome:
            if delivery.notification_id == reply:
                replied.set()
            else:
                news_started.append(delivery.user_key)
                await release.wait()  # the platform is slow for news
            return Outcome(Result.SENT)

        worker = _worker(deliver, concurrency=8)  # news may hold 2 of the 8 slots
        stop = asyncio.Event()
        running = asyncio.create_task(worker.run(stop))
        await asyncio.wait_for(replied.wait(), timeout=10)
        assert len(news_started) <= worker.news_slots == 2
        release.set()
        for _ in range(200):
            if all(status == "sent" for status, _ in _statuses().values()):
                break
            await asyncio.sleep(0.05)
        stop.set()
        await running

    asyncio.run(main())
    assert {status for status, _ in _statuses().values()} == {"sent"}  # news too, later


@contextmanager
def _counting(db: str) -> Iterator[Counter[str]]:
    counts: Counter[str] = Counter()
    engines = {get_engine(None), get_engine(db)}  # the code under test uses the first

    def statement(*_: Any) -> None:
        counts["statements"] += 1

    def commit(*_: Any) -> None:
        counts["commits"] += 1

    for engine in engines:
        event.listen(engine, "before_cursor_execute", statement)
        event.listen(engine, "commit", commit)
    try:
        yield counts
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", statement)
            event.remove(engine, "commit", commit)


def _claim_statements(db: str, chats: int, rows: int) -> tuple[int, int]:
    for n in range(chats):
        _replies(f"{chats}{n:03d}", rows, update=f"claim-{chats}")
    with _counting(db) as counts, transaction() as session:
        claimed = notifications.claim_due(session=session, channel=CHANNEL, limit=100)
    return len(claimed), counts["statements"]


def test_one_claim_takes_many_chats_in_a_constant_number_of_statements(db: str) -> None:
    small = _claim_statements(db, chats=2, rows=2)
    large = _claim_statements(db, chats=8, rows=3)
    assert (small[0], large[0]) == (4, 24)
    # One SELECT and one UPDATE (and SQLite's BEGIN IMMEDIATE), whatever the rows.
    assert small[1] == large[1] <= 3, (small, large)


def test_outcomes_that_come_in_together_are_settled_in_one_transaction(db: str) -> None:
    ids = [i for n in range(10) for i in _replies(f"8{n}", 2)]
    with transaction() as session:
        notifications.claim_due(session=session, channel=CHANNEL, limit=100)

    async def main() -> None:
        settlement = Settlement(CHANNEL, None, on_settled=None)
        for notification_id in ids:
            settlement.add(Settled(notification_id, "x", Outcome(Result.SENT), at=utcnow()))
        await settlement.drain()

    with _counting(db) as counts:
        asyncio.run(main())
    assert counts["commits"] == 1
    assert {status for status, _ in _statuses().values()} == {"sent"}
