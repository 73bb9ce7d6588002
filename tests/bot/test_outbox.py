"""Notification outbox: tickets write, the channel worker delivers (both backends)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from telegram.error import BadRequest, Forbidden, RetryAfter, TimedOut

from bot.outbox import Delivery, OutboxWorker, Outcome, Result
from channels.telegram.delivery import telegram_deliver
from channels.telegram.outbound import Labels
from core.db import transaction
from core.timestamps import utcnow
from dialogue.engine import DialogueEngine
from dialogue.messages import Outbound
from tests import factories
from tests.support.telegram_offline import OfflineRequest, offline_bot
from tickets import notifications
from tickets.flows import move_ticket
from tickets.models import Contact, Notification


def _ticket(channel: str = "telegram", user_key: str = "42") -> int:
    with transaction() as session:
        citizen = factories.citizen(session=session, channel=channel, user_key=user_key)
        return factories.ticket(session=session, citizen=citizen, region=None).id


def _change(ticket_id: int, status: str = "forwarded", note: str | None = None) -> None:
    from tickets.models import Ticket

    with transaction() as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None
        move_ticket(session=session, ticket=ticket, to_status=status, actor="operator:1",
                      note=note)  # fmt: skip


def _rows() -> list[Notification]:
    with transaction() as session:
        rows = list(session.scalars(select(Notification).order_by(Notification.id)))
        session.expunge_all()
        return rows


def test_status_change_writes_one_notification_per_contact(db: str) -> None:
    ticket_id = _ticket()
    _change(ticket_id, note="Diteruskan ke DLH")
    [row] = _rows()
    assert (row.channel, row.user_key, row.status) == ("telegram", "42", "pending")
    assert row.response == "utter_notifikasi_status"
    assert row.variables["status_label"] == "Diteruskan ke instansi terkait"
    assert row.variables["catatan"] == "Diteruskan ke DLH"


def test_replayed_event_is_not_notified_twice(db: str) -> None:
    ticket_id = _ticket()
    _change(ticket_id)
    with transaction() as session:
        from tickets.models import Ticket

        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None
        event = ticket.events[-1]
        again = notifications.notify_citizen(
            session=session, ticket=ticket, response="utter_notifikasi_status",
            variables={}, event_key=f"event:{event.id}",
        )  # fmt: skip
    assert again == []
    assert len(_rows()) == 1


def test_same_status_and_unknown_status_are_refused(db: str) -> None:
    ticket_id = _ticket()
    with pytest.raises(ValueError):
        _change(ticket_id, "new")
    with pytest.raises(KeyError):
        _change(ticket_id, "hilang")
    assert _rows() == []


def test_claim_marks_sending_and_skips_future_rows(db: str) -> None:
    _change(_ticket())
    with transaction() as session:
        [claimed] = notifications.claim_due(session=session, channel="telegram")
        assert (claimed.status, claimed.attempts) == ("sending", 1)
        assert notifications.claim_due(session=session, channel="telegram") == []
        assert notifications.claim_due(session=session, channel="whatsapp") == []


def test_retry_backs_off_then_fails(db: str) -> None:
    _change(_ticket())
    delays = []
    for _ in range(notifications.MAX_ATTEMPTS):
        with transaction() as session:
            far_future = utcnow() + timedelta(days=2)
            [row] = notifications.claim_due(session=session, channel="telegram", now=far_future)
            now = utcnow()
            status = notifications.retry_later(
                session=session, notification_id=row.id, error="timeout", now=now
            )
            if status == "pending":
                delays.append(row.next_attempt_at - now)
    assert status == "failed"
    assert delays[0] == notifications.FIRST_RETRY
    assert delays == sorted(delays) and delays[-1] <= notifications.MAX_RETRY
    assert _rows()[0].status == "failed"


def test_blocked_user_stops_all_their_notifications(db: str) -> None:
    ticket_id = _ticket()
    _change(ticket_id, "forwarded")
    _change(ticket_id, "in_progress")
    with transaction() as session:
        first = notifications.claim_due(session=session, channel="telegram", limit=1)[0]
        notifications.mark_blocked(session=session, notification_id=first.id, error="Forbidden")
    assert [r.status for r in _rows()] == ["blocked", "blocked"]
    with transaction() as session:
        contact = session.scalars(select(Contact)).one()
        assert contact.blocked_at is not None
    _change(ticket_id, "resolved")  # no new notification for a blocked contact
    assert len(_rows()) == 2


# --- the worker ------------------------------------------------------------------


class FakeChannel:
    def __init__(self, *outcomes: Outcome) -> None:
        self.outcomes = list(outcomes)
        self.delivered: list[tuple[str, Outbound]] = []

    async def __call__(self, delivery: Delivery) -> Outcome:
        self.delivered.append((delivery.user_key, delivery.message))
        if not self.outcomes:
            return Outcome(Result.SENT)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def _worker(channel: FakeChannel) -> OutboxWorker:
    return OutboxWorker(channel="telegram", engine=DialogueEngine(parse=lambda t: {}),
                        deliver=channel)  # fmt: skip


def test_worker_renders_and_sends_once(db: str) -> None:
    _change(_ticket(), note="Petugas DLH menuju lokasi")
    channel = FakeChannel()
    worker = _worker(channel)
    assert asyncio.run(worker.deliver_due()) == 1
    assert asyncio.run(worker.deliver_due()) == 0
    [(user_key, message)] = channel.delivered
    assert user_key == "42"
    assert message.text is not None and message.text.startswith("Kabar laporan LPG-")
    assert "Catatan petugas: Petugas DLH menuju lokasi" in message.text
    assert _rows()[0].status == "sent" and _rows()[0].sent_at is not None


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        (Outcome(Result.RETRY, "TimedOut"), "pending"),
        (Outcome(Result.BLOCKED, "Forbidden"), "blocked"),
        (Outcome(Result.FAILED, "chat not found"), "failed"),
        (RuntimeError("boom"), "pending"),  # a crash is retried, never lost
    ],
)
def test_worker_records_each_outcome(db: str, outcome: Any, status: str) -> None:
    _change(_ticket())
    asyncio.run(_worker(FakeChannel(outcome)).deliver_due())
    assert _rows()[0].status == status


# --- Telegram errors -> outcomes ---------------------------------------------------


class FailingRequest(OfflineRequest):
    error: Exception | None = None

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        if url.endswith("/sendMessage") and self.error is not None:
            raise self.error
        return await super().do_request(url, method, *args, **kwargs)


# RetryAfter's own message formatting reads the deprecated int attribute.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
@pytest.mark.parametrize(
    ("make_error", "result"),
    [
        (lambda: None, Result.SENT),
        (lambda: Forbidden("bot was blocked by the user"), Result.BLOCKED),
        (lambda: RetryAfter(7), Result.RETRY),
        (lambda: TimedOut(), Result.RETRY),
        (lambda: BadRequest("chat not found"), Result.FAILED),
    ],
    ids=["sent", "blocked", "flood", "timeout", "bad_request"],
)
def test_telegram_errors_map_to_outcomes(make_error: Any, result: Result) -> None:
    request = FailingRequest()
    request.error = error = make_error()
    bot, _ = offline_bot(request)

    async def main() -> Outcome:
        async with bot:
            deliver = telegram_deliver(bot, Labels(send_location="Kirim lokasi"))
            return await deliver(Delivery(1, "42", Outbound(text="Kabar laporan"), "utter_x", {}))

    outcome = asyncio.run(main())
    assert outcome.result is result
    if isinstance(error, RetryAfter):
        assert outcome.retry_after == timedelta(seconds=7)


def test_media_dir_is_untouched_by_notifications(db: str, media_dir: Path) -> None:
    _change(_ticket())
    asyncio.run(_worker(FakeChannel()).deliver_due())
    assert list(media_dir.iterdir()) == []
