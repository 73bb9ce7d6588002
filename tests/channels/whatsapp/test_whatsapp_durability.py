"""Nothing lost: poison bodies are refused or dead-lettered without stopping the queue,
a failing event never drops the rest of its batch, and a body that cannot be stored
is answered 503 so Meta sends it again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from channels.whatsapp import store, webhook
from channels.whatsapp.models import WhatsAppEvent
from channels.whatsapp.signature import SIGNATURE_HEADER, sign
from core.db import transaction
from core.settings import get_settings
from tests.support import webhook_events as events
from tests.support.whatsapp_harness import APP_SECRET, WEBHOOK, Served, body_texts, serve

WA = "6281299990001"


@pytest.fixture
def served(db: str, media_dir: Path, nlu_model_dir: Path) -> Iterator[Served]:
    with serve(database_url=db, media_dir=media_dir) as running:
        yield running


def _post_raw(served: Served, raw: bytes) -> int:
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(raw, APP_SECRET)}
    return served.client.post(WEBHOOK, content=raw, headers=headers).status_code


def _statuses() -> dict[str, int]:
    with transaction() as session:
        rows = session.execute(select(WhatsAppEvent.status, func.count()).group_by("status"))
        return {str(status): int(count) for status, count in rows}


@pytest.mark.parametrize(
    "raw",
    [
        b'"x"',
        b"1",
        b"[]",
        b"null",
        b"[" * 50_000 + b"]" * 50_000,
        b'{"a":' * 200 + b"1" + b"}" * 200,
    ],
)
def test_signed_bodies_that_are_no_webhook_event_are_refused_not_stored(
    served: Served, raw: bytes
) -> None:
    assert _post_raw(served, raw) == 400  # never 500, which Meta would retry for ever
    assert _statuses() == {}
    assert body_texts(served.say(WA, "halo"))  # the queue still works


def test_a_poison_row_from_before_the_check_is_dead_lettered_and_the_rest_go_on(
    served: Served,
) -> None:
    with transaction() as session:  # what an older version could store
        session.add(WhatsAppEvent(body_sha256="0" * 64, body="x", status=store.PENDING))
    replies = served.say(WA, "halo")
    assert body_texts(replies)
    served.settle()
    with transaction() as session:
        poison = session.scalar(select(WhatsAppEvent).where(WhatsAppEvent.body_sha256 == "0" * 64))
        assert poison is not None
        assert (poison.status, poison.last_error) == (store.FAILED, "not a JSON object")


def test_a_failure_while_settling_one_event_holds_up_nobody_and_heals_with_the_lease(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUEUE_LEASE_SECONDS", "1")
    get_settings.cache_clear()
    processor = served.channel.processor
    real_finish = processor._finish
    broken: list[int] = []

    def finish(event_id: int, error: str | None, *, permanent: bool = False) -> str:
        if not broken:  # the database drops out while the first event is settled
            broken.append(event_id)
            raise OperationalError("UPDATE whatsapp_event", {}, Exception("server closed"))
        return real_finish(event_id, error, permanent=permanent)

    monkeypatch.setattr(processor, "_finish", finish)
    other = "6281299990002"
    with transaction() as session:
        for wa_id in (WA, other):
            body = json.dumps(events.text_message(wa_id, "halo")).encode()
            store.record_event(session=session, body=body)
    served.channel.wake()
    # The other citizen is answered although the first event could not be settled...
    served.until(lambda: bool(served.fake.texts_to(other)))
    # ...and the unsettled claim comes back with its lease: done, answered once.
    served.until(lambda: _statuses() == {store.DONE: 2})
    served.settle()
    assert len(served.fake.texts_to(WA)) == 1
    get_settings.cache_clear()


def test_a_body_that_cannot_be_stored_gets_503_for_meta_to_retry(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(body: bytes, database_url: str) -> int | None:
        raise OperationalError("INSERT INTO whatsapp_event", {}, Exception("connection refused"))

    monkeypatch.setattr(webhook, "_store", down)
    raw, headers = events.signed(events.text_message(WA, "halo"), APP_SECRET)
    assert served.client.post(WEBHOOK, content=raw, headers=headers).status_code == 503
    monkeypatch.undo()
    assert served.client.post(WEBHOOK, content=raw, headers=headers).status_code == 200
    served.settle()
    assert _statuses() == {store.DONE: 1}
