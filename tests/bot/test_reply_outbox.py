"""Conversation replies through the outbox: written with the conversation state, so a
crash after the commit delays a reply and never loses it, and a redelivered update or
a second delivery round never sends it twice."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.assembly import durable_engine
from bot.outbox import OutboxWorker
from core.db import transaction
from core.timestamps import utcnow
from dialogue.delivery import Delivery, Outcome, Result
from dialogue.engine import DialogueEngine
from dialogue.messages import Inbound
from tickets.models import Notification


def _collector() -> tuple[list[Delivery], object]:
    sent: list[Delivery] = []

    async def deliver(delivery: Delivery) -> Outcome:
        sent.append(delivery)
        return Outcome(Result.SENT)

    return sent, deliver


def _worker(deliver: object) -> OutboxWorker:
    return OutboxWorker(channel="telegram", engine=DialogueEngine(), deliver=deliver)  # type: ignore[arg-type]


def test_replies_are_queued_with_the_turn_and_delivered_once(
    db: str, media_dir: Path, nlu_model_dir: Path
) -> None:
    engine = durable_engine()
    inbound = Inbound("telegram", "501", "u-1", text="halo")
    assert engine.handle(inbound) == []  # nothing to send by hand: it is queued
    with transaction() as session:
        rows = list(session.scalars(select(Notification).order_by(Notification.id)))
        assert [r.status for r in rows] == ["pending"]  # committed with the conversation
        assert rows[0].reply is not None and rows[0].reply["text"].startswith("Halo!")
    # The process died before sending: a new worker (after restart) delivers it.
    sent, deliver = _collector()
    assert asyncio.run(_worker(deliver).deliver_due()) == 1
    assert [d.message.text for d in sent] == [rows[0].reply["text"]]
    assert sent[0].message.buttons  # the buttons survive the round trip
    # Delivering again, or Telegram redelivering the update, sends nothing twice.
    assert asyncio.run(_worker(deliver).deliver_due()) == 0
    assert engine.handle(inbound) == []
    assert asyncio.run(_worker(deliver).deliver_due()) == 0
    assert len(sent) == 1


def test_several_replies_of_a_turn_go_in_order_without_pacing(
    db: str, media_dir: Path, nlu_model_dir: Path
) -> None:
    engine = durable_engine()
    engine.handle(Inbound("telegram", "502", "u-1", text="jalan depan rumah rusak parah"))
    engine.handle(Inbound("telegram", "502", "u-2", text="lewati"))
    with transaction() as session:
        queued = [
            r.reply["text"]
            for r in session.scalars(select(Notification).order_by(Notification.id))
            if r.reply
        ]
    sent, deliver = _collector()

    async def run() -> int:
        return await asyncio.wait_for(_worker(deliver).deliver_due(), timeout=30)

    assert asyncio.run(run()) == len(queued) >= 2  # in one round: the chat's rows together
    assert [d.message.text for d in sent] == queued


def test_a_reply_being_sent_when_the_worker_died_is_sent_when_it_starts_again(
    db: str, media_dir: Path, nlu_model_dir: Path
) -> None:
    durable_engine().handle(Inbound("telegram", "503", "u-1", text="halo"))
    with transaction() as session:
        row = session.scalars(select(Notification)).one()
        row.status = "sending"  # claimed, then the process was killed mid-send
        row.next_attempt_at = utcnow() + timedelta(minutes=5)  # the claim's lease
        text = row.reply["text"] if row.reply else None
    sent, deliver = _collector()
    worker = _worker(deliver)
    assert asyncio.run(worker.deliver_due()) == 0  # held by the dead worker's claim

    async def restart() -> None:
        stop = asyncio.Event()
        running = asyncio.create_task(worker.run(stop))
        for _ in range(200):
            if sent:
                break
            await asyncio.sleep(0.05)
        stop.set()
        await running

    asyncio.run(restart())
    assert [d.message.text for d in sent] == [text]  # never lost
