"""Telegram adapter: PTB Update -> Inbound and Outbound -> Bot calls, offline."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot, Update

from channels.telegram.inbound import to_inbound
from channels.telegram.outbound import (
    MAX_CALLBACK_BYTES,
    Labels,
    callback_data,
    send_outbound,
)
from dialogue.commands import command_payload, commands
from dialogue.messages import MEDIA_TOO_LARGE, Button, GeoPoint, Outbound, Venue, split_text
from tests.support.telegram_offline import OfflineRequest, offline_bot

USER = {"id": 42, "is_bot": False, "first_name": "Siti", "last_name": "Aminah"}
CHAT = {"id": 42, "type": "private", "first_name": "Siti"}
LABELS = Labels(send_location="📍 Kirim lokasi")


def _update(bot: Bot, **message: Any) -> Update:
    data = {"update_id": 7, "message": {"message_id": 1, "date": 1_790_000_000, "chat": CHAT,
                                        "from": USER, **message}}  # fmt: skip
    update = Update.de_json(data, bot)
    assert update is not None
    return update


def _run(coro_factory: Callable[[Bot], Any], request: OfflineRequest | None = None) -> Any:
    bot, _ = offline_bot(request)

    async def main() -> Any:
        async with bot:
            return await coro_factory(bot)

    return asyncio.run(main())


def _inbound(tmp_path: Path, request: OfflineRequest | None = None, **message: Any) -> Any:
    return _run(lambda bot: to_inbound(_update(bot, **message), bot, download_dir=tmp_path),
                request)  # fmt: skip


def test_text_message(tmp_path: Path) -> None:
    inbound = _inbound(tmp_path, text="jln depan rumah rusak parah bgt min")
    assert inbound.channel == "telegram"
    assert (inbound.user_key, inbound.update_id) == ("42", "7")
    assert inbound.text == "jln depan rumah rusak parah bgt min"
    assert inbound.display_name == "Siti Aminah"


@pytest.mark.parametrize(
    ("text", "payload"),
    [("/start", "/greet"), ("/status", "/cek_status"), ("/lapor@LaporinBot", "/lapor_umum"),
     ("/bantuan sekarang", "/bantuan"), ("/batal", "/batal"), ("/mpp", "/cari_mpp")],
)  # fmt: skip
def test_commands_become_payloads(tmp_path: Path, text: str, payload: str) -> None:
    assert _inbound(tmp_path, text=text).button_payload == payload


def test_unknown_command_is_plain_text() -> None:
    assert command_payload("/tidakada") is None
    assert command_payload("halo") is None
    assert command_payload("/") is None


def test_every_command_has_an_indonesian_description() -> None:
    assert {c.command for c in commands()} >= {"start", "lapor", "status", "bantuan", "batal"}
    assert all(3 <= len(c.description) <= 256 for c in commands())


def test_location_and_venue(tmp_path: Path) -> None:
    inbound = _inbound(tmp_path, location={"latitude": -5.4, "longitude": 105.26})
    assert inbound.location == GeoPoint(-5.4, 105.26)
    venue = {"location": {"latitude": -5.1, "longitude": 105.3}, "title": "Pasar",
             "address": "Jl. A"}  # fmt: skip
    inbound = _inbound(tmp_path, venue=venue, location=venue["location"])
    assert inbound.location == GeoPoint(-5.1, 105.3)


def test_photo_downloads_the_largest_size(tmp_path: Path) -> None:
    request = OfflineRequest(files={"big": b"BIG-JPEG", "small": b"small"})
    sizes = [
        {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 60, "file_size": 5},
        {"file_id": "big", "file_unique_id": "b", "width": 1280, "height": 960, "file_size": 8},
    ]
    inbound = _inbound(tmp_path, request, photo=sizes, caption="lubangnya di sini")
    assert Path(inbound.photo.path).read_bytes() == b"BIG-JPEG"
    assert inbound.photo.path.startswith(str(tmp_path))
    assert inbound.text == "lubangnya di sini"
    assert [c.params["file_id"] for c in request.named("getFile")] == ["big"]


def test_document_goes_to_the_photo_check_with_its_type(tmp_path: Path) -> None:
    request = OfflineRequest(files={"doc": b"%PDF-1.4"})
    document = {"file_id": "doc", "file_unique_id": "d", "file_name": "surat.pdf",
                "mime_type": "application/pdf", "file_size": 8}  # fmt: skip
    inbound = _inbound(tmp_path, request, document=document)
    assert inbound.photo.mime_type == "application/pdf"
    assert inbound.photo.file_name == "surat.pdf"


def test_too_large_file_is_not_downloaded(tmp_path: Path) -> None:
    request = OfflineRequest()
    document = {"file_id": "huge", "file_unique_id": "h", "file_name": "video.mp4",
                "file_size": 50 * 1024 * 1024}  # fmt: skip
    inbound = _inbound(tmp_path, request, document=document)
    assert inbound.unsupported == MEDIA_TOO_LARGE  # answered "terlalu besar"
    assert request.named("getFile") == []


def test_photo_over_the_cap_is_too_large(tmp_path: Path) -> None:
    request = OfflineRequest()
    sizes = [{"file_id": "huge", "file_unique_id": "h", "width": 9000, "height": 9000,
              "file_size": 21 * 1024 * 1024}]  # fmt: skip
    inbound = _inbound(tmp_path, request, photo=sizes, caption="foto")
    assert inbound.unsupported == MEDIA_TOO_LARGE and inbound.photo is None
    assert request.named("getFile") == []


class _TooBig(OfflineRequest):
    """getFile refused as the Bot API does for a file over 20 MB of unknown size."""

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        if url.endswith("/getFile"):
            body = {"ok": False, "error_code": 400, "description": "Bad Request: file is too big"}
            return 400, json.dumps(body).encode()
        return await super().do_request(url, method, *args, **kwargs)


def test_a_file_the_bot_api_calls_too_big_is_too_large(tmp_path: Path) -> None:
    document = {"file_id": "big", "file_unique_id": "b", "file_name": "foto.png"}
    inbound = _inbound(tmp_path, _TooBig(), document=document)
    assert inbound.unsupported == MEDIA_TOO_LARGE
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("field", "value", "kind"),
    [
        ("sticker", {"file_id": "s", "file_unique_id": "s", "width": 512, "height": 512,
                     "is_animated": False, "is_video": False, "type": "regular"}, "sticker"),
        ("voice", {"file_id": "v", "file_unique_id": "v", "duration": 3}, "voice"),
        ("contact", {"phone_number": "+6281234567890", "first_name": "Siti"}, "contact"),
    ],
)  # fmt: skip
def test_unsupported_kinds(tmp_path: Path, field: str, value: dict[str, Any], kind: str) -> None:
    fields: dict[str, Any] = {field: value}
    assert _inbound(tmp_path, None, **fields).unsupported == kind


def test_own_contact_is_a_shared_phone_someone_elses_is_not(tmp_path: Path) -> None:
    own = {"phone_number": "6281234567890", "first_name": "Siti", "user_id": 42}
    assert _inbound(tmp_path, contact=own).shared_phone == "6281234567890"
    other = {"phone_number": "6289876543210", "first_name": "Budi", "user_id": 7}
    inbound = _inbound(tmp_path, contact=other)
    assert (inbound.shared_phone, inbound.unsupported) == (None, "contact")


def test_callback_query_is_a_button_press(tmp_path: Path) -> None:
    def make(bot: Bot) -> Any:
        data = {
            "update_id": 9,
            "callback_query": {
                "id": "cb1", "from": USER, "chat_instance": "ci", "data": "/affirm",
                "message": {"message_id": 5, "date": 1_790_000_000, "chat": CHAT,
                            "from": {"id": 999, "is_bot": True, "first_name": "Laporin"},
                            "text": "Kirim laporan ini?"},
            },
        }  # fmt: skip
        update = Update.de_json(data, bot)
        assert update is not None
        return to_inbound(update, bot, download_dir=tmp_path)

    inbound = _run(make)
    assert (inbound.button_payload, inbound.user_key, inbound.update_id) == ("/affirm", "42", "9")


def test_edited_messages_are_ignored(tmp_path: Path) -> None:
    def make(bot: Bot) -> Any:
        data = {"update_id": 3, "edited_message": {"message_id": 1, "date": 1_790_000_000,
                "edit_date": 1_790_000_100, "chat": CHAT, "from": USER, "text": "x"}}  # fmt: skip
        update = Update.de_json(data, bot)
        assert update is not None
        return to_inbound(update, bot, download_dir=tmp_path)

    assert _run(make) is None


# --- outbound -----------------------------------------------------------------


def _send(message: Outbound) -> OfflineRequest:
    request = OfflineRequest()
    _run(lambda bot: send_outbound(bot, 42, message, LABELS), request)
    return request


def _markup(call: Any) -> dict[str, Any]:
    raw = call.params.get("reply_markup")
    return json.loads(raw) if isinstance(raw, str) else raw


def test_text_is_html_escaped_and_removes_the_location_keyboard() -> None:
    request = _send(Outbound(text="Uraian: <b>jalan</b> & lubang"))
    [call] = request.named("sendMessage")
    assert call.params["text"] == "Uraian: &lt;b&gt;jalan&lt;/b&gt; &amp; lubang"
    assert call.params["parse_mode"] == "HTML"
    assert _markup(call) == {"remove_keyboard": True}


def test_buttons_become_an_inline_keyboard() -> None:
    buttons = [Button("Ya, kirim", "/affirm"), Button("Tidak", "/deny")]
    [call] = _send(Outbound(text="Kirim laporan ini?", buttons=buttons)).named("sendMessage")
    keyboard = _markup(call)["inline_keyboard"]
    assert keyboard == [[{"text": "Ya, kirim", "callback_data": "/affirm"}],
                        [{"text": "Tidak", "callback_data": "/deny"}]]  # fmt: skip


def test_long_payloads_fall_back_to_the_title() -> None:
    long = Button("Pilih ini", "/pilih_kategori" + '{"kategori": "' + "x" * 80 + '"}')
    assert callback_data(long) == "Pilih ini"
    assert len(callback_data(Button("T" * 100, long.payload)).encode()) <= MAX_CALLBACK_BYTES


def test_location_request_shows_a_location_button() -> None:
    [call] = _send(Outbound(text="Kirim lokasi", request_location=True)).named("sendMessage")
    markup = _markup(call)
    assert markup["keyboard"] == [[{"text": "📍 Kirim lokasi", "request_location": True}]]
    assert markup["one_time_keyboard"] is True


def test_venue_follows_the_text() -> None:
    venue = Venue(-5.11, 105.31, "MPP Kota Metro", "Gedung Sesat Agung")
    request = _send(Outbound(text="1. MPP Kota Metro", venue=venue))
    assert [c.method for c in request.calls if c.method != "getMe"] == ["sendMessage", "sendVenue"]
    [call] = request.named("sendVenue")
    assert (call.params["title"], call.params["latitude"]) == ("MPP Kota Metro", -5.11)


def test_long_text_is_split_at_line_breaks() -> None:
    text = "\n".join(f"baris {i} " + "x" * 90 for i in range(100))  # ~10 KB
    parts = split_text(text, 4096)
    assert len(parts) == 3 and all(len(p) <= 4096 for p in parts)
    assert "\n".join(parts) == text
    request = _send(Outbound(text=text, buttons=[Button("Detail", "/faq_detail")]))
    calls = request.named("sendMessage")
    assert len(calls) == 3
    # Only the last part carries the buttons.
    assert [c.params.get("reply_markup") is not None for c in calls] == [False, False, True]


@pytest.mark.parametrize(
    "text",
    [
        "&" * 5000,  # "&amp;" each: a cut by escaped length would land inside one
        "a<b>" * 2000,
        "😀" * 3000,  # 2 UTF-16 units each: 6000 units in 3000 characters
        "tulisan " + "🇮🇩" * 2500,
    ],
    ids=["ampersands", "tags", "emoji", "flags"],
)
def test_long_text_is_split_on_entity_and_grapheme_boundaries(text: str) -> None:
    import html

    sent = [c.params["text"] for c in _send(Outbound(text=text)).named("sendMessage")]
    assert len(sent) > 1
    assert "".join(html.unescape(part) for part in sent) == text
    for part in sent:
        assert html.escape(html.unescape(part), quote=False) == part  # whole entities only
        assert len(part.encode("utf-16-le")) // 2 <= 4096  # what the Bot API counts
        regional = sum(0x1F1E6 <= ord(c) <= 0x1F1FF for c in html.unescape(part))
        assert regional % 2 == 0  # flags (pairs of indicators) stay whole


def test_a_nan_location_becomes_an_invalid_pin(tmp_path: Path) -> None:
    """JSON may carry NaN (Python's json reads it); the engine's sanitizer refuses it."""
    from dialogue.messages import INVALID_LOCATION
    from dialogue.sanitize import sanitize_inbound

    inbound = _inbound(tmp_path, location={"latitude": float("nan"), "longitude": 105.3})
    cleaned = sanitize_inbound(inbound)
    assert cleaned.location is None and cleaned.unsupported == INVALID_LOCATION
