"""Whole conversations over WhatsApp: signed webhooks in, Graph API calls out.

The app runs as `python -m bot serve` runs it (Starlette app, lifespan, the
channel's background tasks); Meta is played by signed webhook bodies and by the
fake Graph API, which rejects any payload outside Meta's documented shapes.
"""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func, select, update

from channels.whatsapp.models import WhatsAppEvent, WhatsAppMessage, WhatsAppWindow
from channels.whatsapp.signature import SIGNATURE_HEADER, sign
from channels.whatsapp.webhook import MAX_BODY_BYTES
from core.db import transaction
from core.settings import get_settings
from core.timestamps import utcnow
from dialogue.models import MessageLog
from tests.support import webhook_events as events
from tests.support.fake_graph import FakeGraph
from tests.support.images import assert_stored_without_metadata
from tests.support.whatsapp_harness import (
    APP_SECRET,
    VERIFY_TOKEN,
    WEBHOOK,
    Served,
    body_texts,
    dumps,
    reply_ids,
    serve,
)
from tickets.flows import move_ticket
from tickets.models import Contact, Notification
from tickets.serialize import ticket_to_dict
from tickets.service import get_ticket_by_number, list_tickets

WA = "6281234567890"
RAJABASA = (-5.3719, 105.2393)


def jpeg(size: tuple[int, int] = (640, 480)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (90, 80, 70)).save(buffer, "JPEG")
    return buffer.getvalue()


def _count(model: Any) -> int:
    with transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _file_complaint(app: Served, wa_id: str = WA) -> str:
    """A whole complaint: text, pin, photo, confirmation. Returns the ticket number."""
    asked = app.say(wa_id, "jln depan rumah rusak parah bgt min, lubang gede")
    pin_request = next(p for p in asked if p["type"] == "interactive")
    assert pin_request["interactive"]["type"] == "location_request_message"

    after_pin = app.send(events.location_message(wa_id, *RAJABASA))
    assert any("foto" in t.lower() for t in body_texts(after_pin)), dumps(after_pin)

    media_id = app.fake.add_media(jpeg(), "image/jpeg")
    summary = app.send(events.image_message(wa_id, media_id))
    confirm = next(p for p in summary if p["type"] == "interactive")
    assert "Kirim laporan ini?" in dumps(summary)
    assert "Foto: 1" in dumps(summary) and "Kota Bandar Lampung" in dumps(summary)
    ids = reply_ids(confirm)
    assert "/affirm" in ids.values()

    yes = next(title for title, payload in ids.items() if payload == "/affirm")
    done = body_texts(app.send(events.button_reply(wa_id, "/affirm", yes)))
    receipt = next(t for t in done if "sudah kami terima" in t)
    return receipt.split("nomor ")[1].split(".")[0]


# --- Meta's handshake and signatures ----------------------------------------------------


def test_verification_handshake(served: Served) -> None:
    params = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    ok = served.client.get(WEBHOOK, params=params)
    assert (ok.status_code, ok.text) == (200, "1158201444")
    wrong = served.client.get(WEBHOOK, params={**params, "hub.verify_token": "tebakan"})
    assert wrong.status_code == 403
    assert (
        served.client.get(WEBHOOK, params={**params, "hub.mode": "unsubscribe"}).status_code == 403
    )


def test_unsigned_or_wrongly_signed_bodies_are_refused_unprocessed(served: Served) -> None:
    body = events.text_message(WA, "halo")
    raw, headers = events.signed(body, APP_SECRET)
    unsigned = {"Content-Type": "application/json"}
    assert served.client.post(WEBHOOK, content=raw, headers=unsigned).status_code == 401
    _, wrong = events.signed(body, "not-the-app-secret")
    assert served.client.post(WEBHOOK, content=raw, headers=wrong).status_code == 403
    # Signed, then altered: the signature no longer matches.
    tampered = raw.replace(b"halo", b"hal0")
    assert served.client.post(WEBHOOK, content=tampered, headers=headers).status_code == 403
    assert _count(WhatsAppEvent) == 0 and served.fake.sent == []


def test_oversized_or_malformed_bodies_are_refused(served: Served) -> None:
    huge = b'{"object": "' + b"x" * (MAX_BODY_BYTES + 1) + b'"}'
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(huge, APP_SECRET)}
    assert served.client.post(WEBHOOK, content=huge, headers=headers).status_code == 413
    broken = b'{"object": "whatsapp_business_account", '
    headers[SIGNATURE_HEADER] = sign(broken, APP_SECRET)
    assert served.client.post(WEBHOOK, content=broken, headers=headers).status_code == 400
    assert _count(WhatsAppEvent) == 0


def test_webhook_is_acknowledged_before_processing(served: Served) -> None:
    # A status for a message we never sent: stored, acknowledged, then processed as nothing.
    body = events.status_update(WA, "wamid.unknown", "delivered")
    response = served.post(body)
    assert response.status_code == 200
    served.settle()
    with transaction() as session:
        event = session.scalars(select(WhatsAppEvent)).one()
        assert event.status == "done" and event.body == body


# --- conversations ------------------------------------------------------------------------


def test_full_complaint_with_location_and_photo(served: Served) -> None:
    number = _file_complaint(served)
    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=number)
        assert ticket is not None
        data = ticket_to_dict(ticket)
        stored = Path(get_settings().media_dir) / ticket.attachments[0].storage_path
        [contact] = session.scalars(select(Contact)).all()
    assert (data["category"], data["region"], data["photos"]["count"]) == (
        "jalan_rusak", "bandar_lampung", 1,
    )  # fmt: skip
    assert_stored_without_metadata(stored, jpeg())  # re-encoded on intake
    assert (contact.channel, contact.user_key, contact.phone) == ("whatsapp", WA, f"+{WA}")
    # Every message was marked read; the downloaded temporary file is gone.
    assert len(served.fake.read_receipts) == 4
    assert not list((Path(get_settings().media_dir) / "incoming").glob("*"))


def test_category_list_and_list_reply(served: Served) -> None:
    asked = served.say(WA, "saya mau lapor")
    choice = next(p for p in asked if p["type"] == "interactive")
    # More than three categories: a list message, not reply buttons.
    assert choice["interactive"]["type"] == "list"
    rows = reply_ids(choice)
    assert "Sampah" in rows
    replies = body_texts(served.send(events.list_reply(WA, rows["Sampah"], "Sampah")))
    assert any(t.startswith("Laporan sampah.") for t in replies), replies


def test_faq_question_is_answered_with_a_source(served: Served) -> None:
    answer = served.say(WA, "gmn cara bikin ktp?")
    text = dumps(answer)
    assert "KTP-el" in text and "Langkah" in text and "Sumber (dicek" in text
    facets = next(p for p in answer if p["type"] == "interactive")
    # The other facets, as choices (more than three: a list message).
    assert "Syarat" in dumps([facets]) and "Biaya" in dumps([facets])


def test_status_check(served: Served) -> None:
    none_yet = body_texts(served.say(WA, "status laporan saya"))
    assert any("belum punya laporan" in t for t in none_yet), none_yet
    number = _file_complaint(served)
    status = dumps(served.say(WA, f"cek status {number}"))
    assert number in status and "Menunggu verifikasi operator" in status


def test_unsupported_message_gets_a_polite_reply(served: Served) -> None:
    reply = body_texts(served.send(events.sticker_message(WA, "sticker-1")))
    assert any("belum bisa saya proses" in t for t in reply)
    # A reaction to one of our messages needs no answer.
    assert served.send(events.reaction_message(WA, "wamid.ours")) == []


def test_pin_outside_lampung_is_refused_politely(served: Served) -> None:
    served.say(WA, "lampu jalan mati di depan rumah")
    reply = body_texts(served.send(events.location_message(WA, -6.2, 106.8)))  # Jakarta
    assert any("Lampung" in t for t in reply), reply


def test_duplicate_delivery_is_handled_once(served: Served) -> None:
    body = events.text_message(WA, "halo min")
    first = served.send(body)
    assert first
    # The identical body again, and the same message in a new envelope.
    assert served.send(body) == []
    message_id = body["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    assert served.send(events.text_message(WA, "halo min", message_id=message_id)) == []
    with transaction() as session:
        incoming = session.scalars(select(MessageLog).where(MessageLog.direction == "in")).all()
    assert len(incoming) == 1
    # Marked read beside the turn, before the engine knows it is a redelivery: the
    # same blue ticks again at most, never a second answer.
    assert set(served.fake.read_receipts) == {message_id}


# --- statuses and notifications -------------------------------------------------------------


def test_statuses_are_recorded_on_our_messages_not_as_user_messages(served: Served) -> None:
    served.say(WA, "halo")
    wamid = served.fake.sent[0].id
    logged = _count(MessageLog)
    for status in ("sent", "read", "delivered"):  # "delivered" after "read" is stale
        assert served.send(events.status_update(WA, wamid, status)) == []
    with transaction() as session:
        message = session.scalars(
            select(WhatsAppMessage).where(WhatsAppMessage.wamid == wamid)
        ).one()
        assert message.status == "read"
    assert _count(MessageLog) == logged  # no user message was made of them

    failed = events.status_update(WA, served.fake.sent[-1].id, "failed",
                                  errors=[events.status_error(131026)])  # fmt: skip
    served.send(failed)
    with transaction() as session:
        last = session.scalars(
            select(WhatsAppMessage).where(WhatsAppMessage.wamid == served.fake.sent[-1].id)
        ).one()
    assert (last.status, last.error_code) == ("failed", 131026)


def _change(number: str, status: str) -> None:
    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=number)
        assert ticket is not None
        move_ticket(session=session, ticket=ticket, to_status=status, actor="operator:1",
                      note="Petugas menuju lokasi")  # fmt: skip


# Ticket news only: the conversation's own replies go through the outbox too.
NEWS = select(Notification).where(Notification.reply.is_(None)).order_by(Notification.id)


def _notification_status() -> list[str]:
    with transaction() as session:
        return [n.status for n in session.scalars(NEWS)]


def _notification_errors() -> list[str | None]:
    with transaction() as session:
        return [n.last_error for n in session.scalars(NEWS)]


def test_status_change_inside_the_window_is_free_text(served: Served) -> None:
    number = _file_complaint(served)
    before = len(served.fake.sent)
    _change(number, "in_progress")
    served.until(lambda: _notification_status() == ["sent"])
    [news] = served.fake.sent[before:]
    assert news.type == "text" and number in (news.text or "")


def test_status_change_outside_the_window_uses_the_template(served: Served) -> None:
    number = _file_complaint(served)
    with transaction() as session:
        session.execute(
            update(WhatsAppWindow).values(last_inbound_at=utcnow() - timedelta(hours=25))
        )
    served.fake.close_window(WA)
    before = len(served.fake.sent)
    _change(number, "in_progress")
    served.until(lambda: _notification_status() == ["sent"])
    [news] = served.fake.sent[before:]
    template = news.payload["template"]
    assert (template["name"], template["language"]["code"]) == ("laporin_status_laporan", "id")
    first, second = (p["text"] for p in template["components"][0]["parameters"])
    assert first == number and "Petugas menuju lokasi" in second and "\n" not in second


def test_window_closed_at_meta_falls_back_to_the_template(served: Served) -> None:
    number = _file_complaint(served)
    served.fake.close_window(WA)  # our record says open; Meta answers 131047
    before = len(served.fake.sent)
    _change(number, "in_progress")
    served.until(lambda: _notification_status() == ["sent"])
    assert [s.type for s in served.fake.sent[before:]] == ["template"]


def test_late_131047_status_resends_the_notification_as_template(served: Served) -> None:
    number = _file_complaint(served)
    before = len(served.fake.sent)
    _change(number, "in_progress")
    served.until(lambda: _notification_status() == ["sent"])
    [free_text] = served.fake.sent[before:]
    error = events.status_error(131047, "Re-engagement message")
    served.send(events.status_update(WA, free_text.id, "failed", errors=[error]))
    assert [s.type for s in served.fake.sent[before:]] == ["text", "template"]


def test_rate_limited_notification_is_retried_later(served: Served) -> None:
    number = _file_complaint(served)
    served.fake.fail_next(130429)
    _change(number, "in_progress")
    served.until(lambda: "130429" in str(_notification_errors()))
    with transaction() as session:
        row = session.scalars(NEWS).one()
        assert (row.status, row.attempts) == ("pending", 1)
        assert row.next_attempt_at > utcnow() + timedelta(seconds=30)


def test_other_phone_numbers_of_the_account_are_ignored(
    db: str, media_dir: Path, nlu_model_dir: Path
) -> None:
    fake = FakeGraph()
    with serve(database_url=db, media_dir=media_dir, fake=fake) as app:
        other = events.text_message(WA, "halo", phone_number_id="999999999999999")
        assert app.send(other) == []
    assert fake.violations == []


def test_confirm_button_pressed_again_files_nothing_twice(served: Served) -> None:
    number = _file_complaint(served)
    again = body_texts(served.send(events.button_reply(WA, "/affirm", "Ya, kirim")))
    assert again and not any("sudah kami terima" in t for t in again), again
    with transaction() as session:
        assert get_ticket_by_number(session=session, number=number) is not None
        assert len(list_tickets(session=session)) == 1


def test_half_a_whatsapp_configuration_stops_the_start(db: str, media_dir: Path) -> None:
    from bot.web import create_app
    from core.settings import Settings

    settings = Settings(database_url=db, media_dir=media_dir, whatsapp_app_secret="s")
    with pytest.raises(RuntimeError, match="WHATSAPP_PHONE_NUMBER_ID"):
        create_app(settings=settings)


# --- bad input at the edge ----------------------------------------------------------------


def test_a_file_over_the_download_cap_is_answered_too_large(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    import channels.whatsapp.inbound as inbound_module

    monkeypatch.setattr(inbound_module, "MAX_DOWNLOAD_BYTES", 1024)  # instead of 20 MB
    media_id = served.fake.add_media(jpeg((1200, 900)), "image/jpeg")
    texts = body_texts(served.send(events.image_message(WA, media_id)))
    assert any("terlalu besar" in t for t in texts), texts
    assert not any("belum bisa saya proses" in t for t in texts)


def test_a_nan_pin_is_answered_not_silent(served: Served) -> None:
    served.say(WA, "jln depan rumah rusak parah bgt min, lubang gede")
    body = events.location_message(WA, 0.0, 0.0)
    location = body["entry"][0]["changes"][0]["value"]["messages"][0]["location"]
    location["latitude"] = "NaN"
    texts = body_texts(served.send(body))
    assert any("tidak valid" in t for t in texts), texts
    after_pin = body_texts(served.send(events.location_message(WA, *RAJABASA)))
    assert any("foto" in t.lower() for t in after_pin)
