"""WhatsApp persistence: event queue, 24-hour window, message statuses (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from channels.whatsapp import store
from channels.whatsapp.models import WhatsAppEvent
from core.db import transaction
from core.timestamps import utcnow

WA = "6281234567890"


def test_identical_body_is_stored_once(db: str) -> None:
    body = json.dumps({"object": "whatsapp_business_account", "entry": []}).encode()
    with transaction() as session:
        first = store.record_event(session=session, body=body)
        again = store.record_event(session=session, body=body)
    assert first is not None and again is None


def test_events_are_claimed_once_retried_with_backoff_then_failed(db: str) -> None:
    with transaction() as session:
        event_id = store.record_event(session=session, body=b'{"entry": []}')
    assert event_id is not None
    now = utcnow()
    for attempt in range(1, store.MAX_EVENT_ATTEMPTS + 1):
        with transaction() as session:
            [claimed] = store.claim_events(session=session, now=now)
            assert claimed.id == event_id
            assert store.claim_events(session=session, now=now) == []  # in progress
            status = store.retry_event(session=session, event_id=event_id, error="boom", now=now)
        assert status == ("failed" if attempt == store.MAX_EVENT_ATTEMPTS else "pending")
        now += timedelta(hours=1)
    with transaction() as session:
        row = session.get(WhatsAppEvent, event_id)
        assert row is not None and (row.status, row.attempts) == ("failed", 5)


def test_interrupted_events_are_requeued(db: str) -> None:
    with transaction() as session:
        store.record_event(session=session, body=b'{"entry": [1]}')
        store.claim_events(session=session)
    with transaction() as session:
        assert store.requeue_interrupted(session=session) == 1
        assert [e.status for e in session.scalars(select(WhatsAppEvent))] == ["pending"]


def test_window_is_24_hours_after_the_last_message(db: str) -> None:
    now = utcnow()
    with transaction() as session:
        assert not store.window_open(session=session, wa_id=WA, now=now)
        store.record_inbound(session=session, wa_id=WA, at=now - timedelta(hours=23))
        store.record_inbound(session=session, wa_id=WA, at=now - timedelta(hours=30))  # older
    with transaction() as session:
        assert store.window_open(session=session, wa_id=WA, now=now)
        assert not store.window_open(session=session, wa_id=WA, now=now + timedelta(hours=1))


def test_statuses_never_step_back(db: str) -> None:
    at = utcnow()
    with transaction() as session:
        store.record_sent(session=session, wamid="wamid.1", wa_id=WA, kind="text")
    with transaction() as session:
        assert store.apply_status(session=session, wamid="wamid.1", status="read", at=at)
        assert (
            store.apply_status(session=session, wamid="wamid.1", status="delivered", at=at) is None
        )
        assert (
            store.apply_status(session=session, wamid="wamid.other", status="read", at=at) is None
        )
        failed = store.apply_status(
            session=session, wamid="wamid.1", status="failed", at=at,
            error_code=131047, error_title="Re-engagement message",
        )  # fmt: skip
    assert failed is not None and failed.error_code == 131047 and failed.kind == "text"
