"""Several WhatsApp processors: one citizen's slow turn does not hold up another
citizen, and each citizen's messages are still answered in order."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
from starlette.testclient import TestClient

from bot.assembly import queue_replies, whatsapp_channel
from bot.web import create_app
from dialogue.delivery import TurnHook
from dialogue.engine import DialogueEngine
from dialogue.messages import Inbound, Outbound
from tests.support import webhook_events as events
from tests.support.fake_graph import FakeGraph
from tests.support.whatsapp_harness import APP_SECRET, WEBHOOK, settings_for, wait_until

SLOW, QUICK = "6281200000001", "6281200000002"


class SlowForOne(DialogueEngine):
    """Holds SLOW's first turn until the test lets it go."""

    def __init__(self, gate: threading.Event) -> None:
        super().__init__(reply_sink=queue_replies)
        self.gate = gate
        self.held = threading.Event()

    def handle(self, inbound: Inbound, *, on_turn: TurnHook | None = None) -> list[Outbound]:
        if inbound.user_key == SLOW and not self.held.is_set():
            self.held.set()
            assert self.gate.wait(30), "the test never let the slow turn go"
        return super().handle(inbound, on_turn=on_turn)


def _post(client: TestClient, body: dict[str, object]) -> httpx.Response:
    raw, headers = events.signed(body, APP_SECRET)
    return client.post(WEBHOOK, content=raw, headers=headers)


def test_a_slow_turn_does_not_hold_up_another_citizen(
    db: str, media_dir: Path, nlu_model_dir: Path
) -> None:
    fake = FakeGraph()
    settings = settings_for(fake, database_url=db, media_dir=media_dir)
    assert settings.processor_workers > 1
    gate = threading.Event()
    engine = SlowForOne(gate)
    channel = whatsapp_channel(
        settings=settings, engine=engine, transport=httpx.ASGITransport(app=fake.app),
        idle_seconds=0.05,
    )  # fmt: skip
    with TestClient(create_app(settings=settings, whatsapp=channel)) as client:
        assert _post(client, events.text_message(SLOW, "halo")).status_code == 200
        assert _post(client, events.text_message(SLOW, "status")).status_code == 200
        wait_until(engine.held.is_set, 20, "the slow turn to start")
        assert _post(client, events.text_message(QUICK, "halo")).status_code == 200
        # Answered while the other citizen's turn is still held.
        wait_until(lambda: fake.texts_to(QUICK), 20, "the quick citizen's answer")
        assert fake.texts_to(SLOW) == []
        gate.set()
        wait_until(lambda: len(fake.texts_to(SLOW)) >= 2, 20, "the slow citizen's answers")
    first, second = fake.texts_to(SLOW)[:2]
    assert first.startswith("Halo!")  # "halo" is answered before "status"
    assert "laporan" in second.lower()
