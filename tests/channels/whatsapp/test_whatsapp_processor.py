"""The event processor and sender in isolation: failures are retried, then apologised
for; photos are uploaded before they are sent."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
from PIL import Image
from sqlalchemy import select, update

from channels.whatsapp import store
from channels.whatsapp.app import WhatsAppChannel
from channels.whatsapp.models import WhatsAppEvent, WhatsAppMessage
from core.db import transaction
from dialogue.engine import DialogueEngine
from dialogue.messages import Inbound, Outbound
from tests.support import webhook_events as events
from tests.support.fake_graph import FakeGraph
from tests.support.whatsapp_harness import settings_for

WA = "6281234567890"


class BrokenEngine(DialogueEngine):
    def handle(self, inbound: Inbound, **_: object) -> list[Outbound]:
        raise RuntimeError("database went away")


def _channel(fake: FakeGraph, db: str, media_dir: Path, engine: DialogueEngine) -> WhatsAppChannel:
    settings = settings_for(fake, database_url=db, media_dir=media_dir)
    return WhatsAppChannel(
        settings=settings, engine=engine, transport=httpx.ASGITransport(app=fake.app)
    )


def _store(body: dict[str, Any]) -> int:
    with transaction() as session:
        event_id = store.record_event(session=session, body=json.dumps(body).encode())
    assert event_id is not None
    return event_id


def test_failing_event_is_retried_then_failed_with_an_apology(db: str, media_dir: Path) -> None:
    fake = FakeGraph()
    channel = _channel(fake, db, media_dir, BrokenEngine(parse=lambda text: {}))
    event_id = _store(events.text_message(WA, "halo"))

    assert asyncio.run(channel.processor.process_due()) == 1
    with transaction() as session:
        row = session.get(WhatsAppEvent, event_id)
        assert row is not None and (row.status, row.attempts) == ("pending", 1)
        assert "database went away" in (row.last_error or "")
        assert fake.sent == []  # no apology yet: the next attempt may work
        # The last attempt, now.
        session.execute(
            update(WhatsAppEvent).values(
                attempts=store.MAX_EVENT_ATTEMPTS - 1, next_attempt_at=row.received_at
            )
        )
    asyncio.run(channel.processor.process_due())
    with transaction() as session:
        assert session.get(WhatsAppEvent, event_id).status == "failed"  # type: ignore[union-attr]
    [apology] = fake.texts_to(WA)
    assert apology.startswith("Maaf, terjadi gangguan")


def test_photo_is_uploaded_then_sent_by_id(db: str, media_dir: Path, tmp_path: Path) -> None:
    fake = FakeGraph()
    channel = _channel(fake, db, media_dir, DialogueEngine(parse=lambda text: {}))
    photo = tmp_path / "bukti.jpg"
    Image.new("RGB", (64, 48), (10, 20, 30)).save(photo, "JPEG")

    async def send() -> list[str]:
        try:
            return await channel.sender.send(WA, Outbound(text="Bukti", image_path=str(photo)))
        finally:
            await channel.client.aclose()

    wamids = asyncio.run(send())
    assert [s.type for s in fake.sent] == ["text", "image"]
    [upload] = fake.uploads
    assert fake.sent[1].payload["image"] == {"id": upload}
    assert fake.media[upload].data == photo.read_bytes()
    with transaction() as session:
        recorded = session.scalars(select(WhatsAppMessage.wamid).order_by(WhatsAppMessage.id))
        assert list(recorded) == wamids
    assert fake.violations == []
