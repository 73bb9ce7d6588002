"""After resolution: the citizen rates (with an optional comment) or reopens, in the chat."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.db import transaction
from core.timestamps import utcnow
from tests.support.chat import Chat
from tests.support.resolved import file_and_resolve
from tickets.models import Notification, Ticket
from tickets.service import get_ticket_by_number


def _ticket(number: str) -> Ticket:
    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=number)
        assert ticket is not None
        session.expunge(ticket)
        return ticket


def test_resolution_notice_offers_ratings_and_reopening(chat: Chat) -> None:
    number = file_and_resolve(chat)
    with transaction() as session:
        notice = session.scalars(
            select(Notification).where(Notification.response == "utter_notifikasi_selesai")
        ).one()
        rendered = chat.engine.render(notice.response, **notice.variables)
    payloads = [b.payload for b in rendered.buttons]
    assert payloads[0] == f'/beri_nilai{{"nomor": "{number}", "nilai": 1}}'
    assert payloads[-1] == f'/buka_kembali{{"nomor": "{number}"}}'
    assert all(len(p.encode()) <= 64 for p in payloads)  # Telegram callback data


def test_rate_then_comment(chat: Chat) -> None:
    number = file_and_resolve(chat)
    reply = chat.say(f'/beri_nilai{{"nomor": "{number}", "nilai": 4}}')
    assert "Ada komentar singkat" in reply
    assert "sudah kami sampaikan" in chat.say("cepat ditangani, terima kasih pak")
    ticket = _ticket(number)
    assert (ticket.rating, ticket.rating_comment) == (4, "cepat ditangani, terima kasih pak")
    # A second rating is refused, and no comment is asked.
    again = chat.say(f'/beri_nilai{{"nomor": "{number}", "nilai": 1}}')
    assert "sudah Anda nilai" in again and "komentar" not in again
    assert _ticket(number).rating == 4


def test_rating_comment_can_be_skipped(chat: Chat) -> None:
    number = file_and_resolve(chat)
    chat.say(f'/beri_nilai{{"nomor": "{number}", "nilai": 5}}')
    assert "sudah kami sampaikan" in chat.say("lewati")
    assert (_ticket(number).rating, _ticket(number).rating_comment) == (5, None)


def test_someone_elses_ticket_cannot_be_rated_or_reopened(chat: Chat) -> None:
    number = file_and_resolve(chat)
    stranger = Chat(chat.engine, user="orang_lain")
    assert "bukan milik Anda" in stranger.say(f'/beri_nilai{{"nomor": "{number}", "nilai": 1}}')
    assert "bukan milik Anda" in stranger.say(f'/buka_kembali{{"nomor": "{number}"}}')
    assert _ticket(number).status == "resolved"


def test_reopen_within_seven_days_only(chat: Chat) -> None:
    number = file_and_resolve(chat)
    reply = chat.say(f'/buka_kembali{{"nomor": "{number}"}}')
    assert "kami buka kembali" in reply and "Dinas Lingkungan Hidup" in reply
    ticket = _ticket(number)
    assert ticket.status == "in_progress" and ticket.act_due_at is not None
    assert ticket.act_due_at > utcnow() + timedelta(hours=71)

    # Resolved again, but 8 days ago: too late to reopen.
    with transaction() as session:
        loaded = get_ticket_by_number(session=session, number=number)
        assert loaded is not None
        loaded.status, loaded.resolved_at = "resolved", utcnow() - timedelta(days=8)
    assert "lebih dari 7 hari" in chat.say(f'/buka_kembali{{"nomor": "{number}"}}')
