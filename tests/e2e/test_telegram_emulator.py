"""The Telegram Bot API emulator, driven by python-telegram-bot's own Bot and Application."""

from __future__ import annotations

import asyncio
import io
import itertools
import os
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
import pytest
from PIL import Image
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ChatAction
from telegram.error import BadRequest
from telegram.ext import Application, CommandHandler, ContextTypes

from tests.support import telegram_emulator
from tests.support.telegram_emulator import TelegramEmulator

pytestmark = pytest.mark.telegram

T = TypeVar("T")
CHAT = 4242
_bot_ids = itertools.count(1000)


@pytest.fixture(scope="module")
def emulator() -> Iterator[TelegramEmulator]:
    with TelegramEmulator() as emu:
        yield emu


@pytest.fixture
def token() -> str:
    """A fresh bot per test, so the emulator's per-token storage never leaks between tests."""
    return f"{next(_bot_ids)}:TEST-token"


def run_with_bot(emulator: TelegramEmulator, token: str, body: Callable[[Bot], Awaitable[T]]) -> T:
    async def main() -> T:
        bot = Bot(token, base_url=emulator.base_url, base_file_url=emulator.base_file_url)
        async with bot:
            return await body(bot)

    return asyncio.run(main())


def png_bytes(size: tuple[int, int] = (3, 2)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def assert_recent(date: datetime) -> None:
    assert abs((datetime.now(UTC) - date).total_seconds()) < 120


def test_get_me_is_a_bot(emulator: TelegramEmulator, token: str) -> None:
    me = run_with_bot(emulator, token, lambda bot: bot.get_me())
    assert me.is_bot is True
    assert me.id == int(token.split(":")[0])
    assert me.username and me.first_name


def test_send_message_returns_a_message_and_is_recorded(
    emulator: TelegramEmulator, token: str
) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data="yes")]])

    async def body(bot: Bot) -> Any:
        return await bot.send_message(CHAT, "Halo, laporan diterima", reply_markup=markup)

    message = run_with_bot(emulator, token, body)
    assert message.text == "Halo, laporan diterima"
    assert message.chat.id == CHAT
    assert message.from_user is not None and message.from_user.is_bot
    assert_recent(message.date)
    assert message.reply_markup == markup

    [entry] = emulator.sent(token, CHAT)
    assert entry["method"] == "sendMessage"
    assert entry["payload"]["text"] == "Halo, laporan diterima"
    assert entry["payload"]["reply_markup"] == markup.to_dict()
    assert entry["result"]["message_id"] == message.message_id
    assert emulator.sent(token, CHAT + 1) == []


def test_venue_location_photo_and_chat_action(emulator: TelegramEmulator, token: str) -> None:
    image = png_bytes((3, 2))

    async def body(bot: Bot) -> tuple[Any, ...]:
        await bot.send_chat_action(CHAT, ChatAction.TYPING)
        location = await bot.send_location(CHAT, latitude=-6.2, longitude=106.8)
        venue = await bot.send_venue(
            CHAT,
            latitude=-6.21,
            longitude=106.85,
            title="Kantor Kelurahan",
            address="Jl. Merdeka 1",
        )
        photo = await bot.send_photo(CHAT, io.BytesIO(image), caption="Bukti")
        uploaded = await (await bot.get_file(photo.photo[-1].file_id)).download_as_bytearray()
        return location, venue, photo, bytes(uploaded)

    location, venue, photo, uploaded = run_with_bot(emulator, token, body)
    assert location.location.latitude == pytest.approx(-6.2)
    assert venue.venue.title == "Kantor Kelurahan"
    assert venue.venue.location.longitude == pytest.approx(106.85)
    assert photo.caption == "Bukti"
    assert (photo.photo[-1].width, photo.photo[-1].height) == (3, 2)
    assert photo.photo[-1].file_size == len(image)
    assert uploaded == image
    for message in (location, venue, photo):
        assert_recent(message.date)

    entries = emulator.sent(token, CHAT)
    assert [e["method"] for e in entries] == [
        "sendChatAction",
        "sendLocation",
        "sendVenue",
        "sendPhoto",
    ]
    assert entries[0]["payload"]["action"] == "typing"
    assert entries[2]["payload"]["address"] == "Jl. Merdeka 1"
    assert entries[2]["result"]["venue"]["title"] == "Kantor Kelurahan"
    assert entries[3]["payload"]["photo"]["uploaded"] is True
    assert entries[3]["payload"]["photo"]["file_size"] == len(image)
    assert entries[3]["result"]["photo"][0]["file_id"] == photo.photo[-1].file_id


def test_my_commands(emulator: TelegramEmulator, token: str) -> None:
    commands = [BotCommand("start", "Mulai"), BotCommand("lapor", "Buat laporan")]

    async def body(bot: Bot) -> tuple[Any, ...]:
        assert await bot.set_my_commands(commands) is True
        stored = await bot.get_my_commands()
        assert await bot.delete_my_commands() is True
        return stored, await bot.get_my_commands()

    stored, after_delete = run_with_bot(emulator, token, body)
    assert list(stored) == commands
    assert list(after_delete) == []


def test_get_file_downloads_registered_bytes(emulator: TelegramEmulator, token: str) -> None:
    data = png_bytes((5, 4))
    emulator.add_file(token, "user-photo-1", data, "photos/file_1.png")

    async def body(bot: Bot) -> tuple[Any, bytes]:
        file = await bot.get_file("user-photo-1")
        buffer = io.BytesIO()
        await file.download_to_memory(buffer)
        with pytest.raises(BadRequest):
            await bot.get_file("unknown-file-id")
        return file, buffer.getvalue()

    file, downloaded = run_with_bot(emulator, token, body)
    assert file.file_size == len(data)
    assert file.file_path == f"{emulator.base_file_url}{token}/photos/file_1.png"
    assert downloaded == data


def test_get_updates_returns_injected_updates_and_honours_offset(
    emulator: TelegramEmulator, token: str
) -> None:
    first = emulator.send_text(token, CHAT, "halo", first_name="Sari")
    second = emulator.send_text(token, CHAT, "/start")
    assert second > first

    async def body(bot: Bot) -> tuple[Any, ...]:
        everything = await bot.get_updates(timeout=0)
        from_second = await bot.get_updates(offset=second, timeout=0)
        nothing_left = await bot.get_updates(offset=second + 1, timeout=0)
        again = await bot.get_updates(timeout=0)  # confirmed updates are gone
        return everything, from_second, nothing_left, again

    everything, from_second, nothing_left, again = run_with_bot(emulator, token, body)
    assert [u.update_id for u in everything] == [first, second]
    message = everything[0].message
    assert message.text == "halo"
    assert message.from_user.first_name == "Sari"
    assert message.chat.id == CHAT
    assert_recent(message.date)
    assert [u.update_id for u in from_second] == [second]
    assert from_second[0].message.text == "/start"
    assert from_second[0].message.entities[0].type == "bot_command"
    assert nothing_left == ()
    assert again == ()


def test_callback_query_update_answer_and_edits(emulator: TelegramEmulator, token: str) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Selesai", callback_data="done")]])

    async def send(bot: Bot) -> Any:
        return await bot.send_message(CHAT, "Tandai selesai?", reply_markup=markup)

    question = run_with_bot(emulator, token, send)
    user = {"id": CHAT, "is_bot": False, "first_name": "Sari"}
    update_id = emulator.send_update(
        token, {"callback_query": {"from": user, "message": question.to_dict(), "data": "done"}}
    )

    # The raw getUpdates JSON parses with PTB's own Update.de_json.
    raw = httpx.post(f"{emulator.base_url}{token}/getUpdates").json()["result"]
    assert [item["update_id"] for item in raw] == [update_id]
    assert raw[0]["callback_query"]["chat_instance"]

    async def handle(bot: Bot) -> tuple[Any, ...]:
        update = Update.de_json(raw[0], bot)
        query = update.callback_query
        assert query is not None and query.chat_instance
        assert query.data == "done"
        assert query.message is not None and query.message.message_id == question.message_id
        answered = await query.answer("Oke")
        without_keyboard = await query.edit_message_reply_markup(reply_markup=None)
        edited = await query.edit_message_text("Laporan selesai")
        assert await bot.delete_message(CHAT, question.message_id) is True
        with pytest.raises(BadRequest):
            await bot.delete_message(CHAT, question.message_id)
        return answered, without_keyboard, edited

    answered, without_keyboard, edited = run_with_bot(emulator, token, handle)
    assert answered is True
    assert without_keyboard.reply_markup is None
    assert edited.text == "Laporan selesai"
    assert edited.edit_date is not None
    assert_recent(edited.date)

    entries = emulator.sent(token, CHAT)
    assert [e["method"] for e in entries] == [
        "sendMessage",
        "answerCallbackQuery",
        "editMessageReplyMarkup",
        "editMessageText",
        "deleteMessage",
    ]
    assert entries[1]["payload"]["text"] == "Oke"
    assert entries[3]["payload"]["text"] == "Laporan selesai"


def test_json_bodies_are_accepted_too(emulator: TelegramEmulator, token: str) -> None:
    response = httpx.post(
        f"{emulator.base_url}{token}/sendMessage", json={"chat_id": CHAT, "text": "json"}
    )
    assert response.status_code == 200
    assert response.json()["result"]["text"] == "json"
    missing = httpx.post(f"{emulator.base_url}{token}/sendMessage", json={"chat_id": CHAT})
    assert missing.status_code == 400
    assert missing.json()["ok"] is False


def test_application_polling_answers_a_command(emulator: TelegramEmulator, token: str) -> None:
    async def start(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("Selamat datang di Laporin")

    async def main() -> list[dict[str, Any]]:
        app = (
            Application.builder()
            .token(token)
            .base_url(emulator.base_url)
            .base_file_url(emulator.base_file_url)
            .build()
        )
        app.add_handler(CommandHandler("start", start))
        async with app:
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.05, timeout=0)
            await app.start()
            try:
                emulator.send_text(token, CHAT, "/start")
                return await asyncio.to_thread(emulator.wait_for_sent, token, CHAT, 1)
            finally:
                await app.updater.stop()
                await app.stop()

    [entry] = asyncio.run(main())
    assert entry["method"] == "sendMessage"
    assert entry["payload"]["text"] == "Selamat datang di Laporin"


def test_stop_ends_the_process_and_missing_packages_are_explained(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    emulator = TelegramEmulator().start()
    pid = emulator.pid
    assert pid is not None
    emulator.stop()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)

    monkeypatch.setattr(telegram_emulator, "EMULATOR_DIR", tmp_path)
    with pytest.raises(RuntimeError, match="npm ci --prefix tests/support/telegram_api"):
        TelegramEmulator().start()
