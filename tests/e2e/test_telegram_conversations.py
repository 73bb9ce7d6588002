"""Whole conversations over Telegram: our bot (PTB) against the Bot API emulator.

The bot runs as in production (polling Application in a thread, or the real
`python -m bot telegram` / `python -m bot serve` processes); the tests play the
citizen by injecting updates into the emulator and read what the bot sent.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy import select

from bot.assembly import telegram_application
from bot.workers import run_telegram_polling
from channels.telegram.webhook import SECRET_HEADER, TELEGRAM_WEBHOOK_PATH
from core.db import transaction
from core.settings import ROOT_DIR, Settings, get_settings
from tests import factories
from tests.support.images import assert_stored_without_metadata
from tests.support.telegram_emulator import TelegramEmulator
from tickets.flows import move_ticket
from tickets.ikm_models import IkmAnswer
from tickets.models import Contact
from tickets.serialize import ticket_to_dict
from tickets.service import get_ticket_by_number, list_tickets
from tickets.workflow import Request, perform

pytestmark = pytest.mark.telegram

CHAT = 5151
USER = {"id": CHAT, "is_bot": False, "first_name": "Rini"}
PRIVATE = {"id": CHAT, "type": "private", "first_name": "Rini"}
RAJABASA = (-5.3719, 105.2393)
_bot_ids = itertools.count(2000)


@pytest.fixture(scope="module")
def emulator() -> Iterator[TelegramEmulator]:
    with TelegramEmulator() as emu:
        yield emu


@pytest.fixture
def token() -> str:
    return f"{next(_bot_ids)}:E2E-token"


class RunningBot:
    """Our Application, polling the emulator from its own thread and event loop."""

    def __init__(self, emulator: TelegramEmulator, token: str) -> None:
        self.emulator, self.token = emulator, token
        base = get_settings()
        self.settings = Settings(
            database_url=base.database_url, media_dir=base.media_dir, telegram_bot_token=token,
            telegram_base_url=emulator.base_url, telegram_base_file_url=emulator.base_file_url,
            telegram_poll_timeout=0, telegram_poll_interval=0.05,
        )  # fmt: skip
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        async def main() -> None:
            app = telegram_application(settings=self.settings, updater=False)
            stop = asyncio.Event()
            running = asyncio.create_task(run_telegram_polling(app, stop, settings=self.settings))
            self._ready.set()
            while not self._stop.is_set() and not running.done():
                await asyncio.sleep(0.05)
            stop.set()
            await running

        try:
            asyncio.run(main())
        except BaseException as error:  # surfaced by stop()
            self._error = error
            self._ready.set()

    def __enter__(self) -> RunningBot:
        self._thread.start()
        assert self._ready.wait(30), "bot did not start"
        if self._error:
            raise self._error
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(30)
        if self._error:
            raise self._error

    # --- the citizen's side -------------------------------------------------

    def seen(self) -> int:
        """How many calls the bot has made for the chat so far."""
        return len(self.emulator.sent(self.token, CHAT))

    def _replies(self, before: int, count: int) -> list[dict[str, Any]]:
        """Wait for `count` text messages after call `before` (chat actions don't count)."""
        entries = _replies_until(self, lambda e: len(messages(e[before:])) >= count)
        return entries[before:]

    def say(self, text: str, *, expect: int = 1) -> list[dict[str, Any]]:
        before = self.seen()
        self.emulator.send_text(self.token, CHAT, text, first_name="Rini")
        return self._replies(before, expect)

    def send(self, message: dict[str, Any], *, expect: int = 1) -> list[dict[str, Any]]:
        before = self.seen()
        body = {"from": USER, "chat": PRIVATE, **message}
        self.emulator.send_update(self.token, {"message": body})
        return self._replies(before, expect)

    def file_report(self) -> None:
        """A rubbish complaint with a pin, no photo, confirmed."""
        before = self.seen()
        self.emulator.send_text(self.token, CHAT, "sampah numpuk di pinggir jalan sudah seminggu")
        _reply_texts_after(self, before, "lokasi")
        for message in ({"location": {"latitude": RAJABASA[0], "longitude": RAJABASA[1]}},
                        {"text": "lewati"}, {"text": "ya"}):  # fmt: skip
            self.send(message)

    def press(self, sent_message: dict[str, Any], data: str, *, expect: int = 1) -> Any:
        before = self.seen()
        query = {"from": USER, "message": sent_message, "data": data}
        self.emulator.send_update(self.token, {"callback_query": query})
        return self._replies(before, expect)


def texts(entries: list[dict[str, Any]]) -> list[str]:
    return [e["payload"]["text"] for e in entries if e["method"] == "sendMessage"]


def messages(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in entries if e["method"] == "sendMessage"]


def markup(entry: dict[str, Any]) -> dict[str, Any]:
    raw = entry["payload"].get("reply_markup")
    return json.loads(raw) if isinstance(raw, str) else (raw or {})


def jpeg(size: tuple[int, int] = (640, 480)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (90, 80, 70)).save(buffer, "JPEG")
    return buffer.getvalue()


def _replies_until(
    bot: Any, predicate: Any, timeout: float = 20, chat: int = CHAT
) -> list[dict[str, Any]]:
    """The bot's calls for `chat` once `predicate(calls)` holds (`bot`: anything with
    .emulator and .token)."""
    deadline = time.monotonic() + timeout
    entries: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        entries = bot.emulator.sent(bot.token, chat)
        if predicate(entries):
            return entries
        time.sleep(0.05)
    raise AssertionError(f"chat {chat} timed out; sent: {[e['method'] for e in entries]}")


def _reply_texts_after(bot: RunningBot, before: int, needle: str) -> list[str]:
    entries = _replies_until(bot, lambda e: any(needle in t for t in texts(e[before:])))
    return texts(entries[before:])


# --- conversations ---------------------------------------------------------------


def test_start_sets_commands_and_greets(db: str, emulator: TelegramEmulator, token: str) -> None:
    with RunningBot(emulator, token) as bot:
        before = bot.seen()
        bot.emulator.send_text(token, CHAT, "/start")
        replies = _reply_texts_after(bot, before, "Saya Laporin")
        commands = httpx.post(f"{emulator.base_url}{token}/getMyCommands").json()["result"]
    greeting = next(t for t in replies if "Saya Laporin" in t)
    assert greeting.startswith("Halo!")
    assert {c["command"] for c in commands} >= {"start", "lapor", "status", "bantuan", "batal"}
    assert all(c["description"] for c in commands)


def test_full_complaint_with_location_and_photo(
    db: str, emulator: TelegramEmulator, token: str
) -> None:
    photo = jpeg()
    emulator.add_file(token, "photo-big", photo, "photos/lubang.jpg")
    with RunningBot(emulator, token) as bot:
        before = bot.seen()
        bot.emulator.send_text(token, CHAT, "jln depan rumah rusak parah bgt min, lubang gede")
        entries = _replies_until(
            bot, lambda e: any("lokasi" in t.lower() for t in texts(e[before:]))
        )
        ask_location = messages(entries[before:])[-1]
        keyboard = markup(ask_location)["keyboard"]
        assert keyboard[0][0]["request_location"] is True

        before = bot.seen()
        location = {"latitude": RAJABASA[0], "longitude": RAJABASA[1]}
        bot.emulator.send_update(token, {"message": {"from": USER, "chat": PRIVATE,
                                                     "location": location}})  # fmt: skip
        _reply_texts_after(bot, before, "foto")

        before = bot.seen()
        sizes = [
            {"file_id": "photo-small", "file_unique_id": "s", "width": 90, "height": 68},
            {"file_id": "photo-big", "file_unique_id": "b", "width": 640, "height": 480,
             "file_size": len(photo)},
        ]  # fmt: skip
        bot.emulator.send_update(token, {"message": {"from": USER, "chat": PRIVATE,
                                                     "photo": sizes}})  # fmt: skip
        summary_entries = _replies_until(
            bot, lambda e: any("Kirim laporan ini?" in t for t in texts(e[before:]))
        )
        summary = messages(summary_entries[before:])[-1]
        assert "Foto: 1" in summary["payload"]["text"]
        assert "Kota Bandar Lampung" in summary["payload"]["text"]
        yes = markup(summary)["inline_keyboard"][0][0]
        assert yes["callback_data"] == "/affirm"

        before = bot.seen()
        query = {"from": USER, "message": summary["result"], "data": "/affirm"}
        bot.emulator.send_update(token, {"callback_query": query})
        done = _reply_texts_after(bot, before, "sudah kami terima")
        # The pressed keyboard is removed so it cannot be pressed twice.
        calls = [e["method"] for e in emulator.sent(token, CHAT)[before:]]
        assert "answerCallbackQuery" in calls and "editMessageReplyMarkup" in calls

    number = next(t for t in done if "sudah kami terima" in t).split("nomor ")[1].split(".")[0]
    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=number)
        assert ticket is not None
        data = ticket_to_dict(ticket)
    assert data["category"] == "jalan_rusak"
    assert data["region"] == "bandar_lampung"
    assert data["photos"]["count"] == 1
    stored = Path(get_settings().media_dir) / ticket.attachments[0].storage_path
    assert_stored_without_metadata(stored, photo)  # re-encoded on intake
    # The downloaded temporary file is gone.
    assert not list((Path(get_settings().media_dir) / "incoming").glob("*"))


def test_category_chosen_with_an_inline_button(
    db: str, emulator: TelegramEmulator, token: str
) -> None:
    with RunningBot(emulator, token) as bot:
        before = bot.seen()
        bot.emulator.send_text(token, CHAT, "saya mau lapor")
        entries = _replies_until(bot, lambda e: any(markup(m).get("inline_keyboard")
                                                    for m in messages(e[before:])))  # fmt: skip
        question = next(m for m in messages(entries[before:]) if markup(m).get("inline_keyboard"))
        buttons = [row[0] for row in markup(question)["inline_keyboard"]]
        sampah = next(b for b in buttons if b["text"] == "Sampah")
        before = bot.seen()
        bot.press(question["result"], sampah["callback_data"])
        replies = _reply_texts_after(bot, before, "Ceritakan")
    assert any(t.startswith("Laporan sampah.") for t in replies), replies


def test_status_faq_and_unsupported_sticker(
    db: str, emulator: TelegramEmulator, token: str
) -> None:
    with RunningBot(emulator, token) as bot:
        before = bot.seen()
        bot.emulator.send_text(token, CHAT, "/status")
        assert any("belum punya laporan" in t for t in _reply_texts_after(bot, before, "laporan"))

        before = bot.seen()
        bot.emulator.send_text(token, CHAT, "gmn cara bikin ktp?")
        faq = _reply_texts_after(bot, before, "KTP-el")
        assert any("Sumber (dicek" in t for t in faq)

        before = bot.seen()
        sticker = {"file_id": "st1", "file_unique_id": "st1", "width": 512, "height": 512,
                   "is_animated": False, "is_video": False, "type": "regular"}  # fmt: skip
        bot.emulator.send_update(token, {"message": {"from": USER, "chat": PRIVATE,
                                                     "sticker": sticker}})  # fmt: skip
        reply = _reply_texts_after(bot, before, "belum bisa saya proses")
    assert reply


def test_own_phone_number_is_kept_masked_in_the_reply(
    db: str, emulator: TelegramEmulator, token: str
) -> None:
    with RunningBot(emulator, token) as bot:
        before = bot.seen()
        contact = {"phone_number": "6281234567890", "first_name": "Rini", "user_id": CHAT}
        bot.emulator.send_update(token, {"message": {"from": USER, "chat": PRIVATE,
                                                     "contact": contact}})  # fmt: skip
        reply = _reply_texts_after(bot, before, "kami simpan")
    assert any("0812******90" in t for t in reply) and not any("1234567" in t for t in reply)
    with transaction() as session:
        [contact_row] = session.scalars(select(Contact)).all()
        assert (contact_row.channel, contact_row.phone) == ("telegram", "+6281234567890")


def test_nearest_mpp_sends_venues(db: str, emulator: TelegramEmulator, token: str) -> None:
    with RunningBot(emulator, token) as bot:
        before = bot.seen()
        bot.emulator.send_text(token, CHAT, "/mpp")
        _reply_texts_after(bot, before, "Kirim lokasi")
        before = bot.seen()
        location = {"latitude": -5.1131, "longitude": 105.3067}
        bot.emulator.send_update(token, {"message": {"from": USER, "chat": PRIVATE,
                                                     "location": location}})  # fmt: skip
        entries = _replies_until(
            bot, lambda e: sum(x["method"] == "sendVenue" for x in e[before:]) == 3
        )
    venues = [e["payload"] for e in entries[before:] if e["method"] == "sendVenue"]
    assert venues[0]["title"] == "Mal Pelayanan Publik Kota Metro"


def test_status_change_reaches_the_chat_once(
    db: str, emulator: TelegramEmulator, token: str
) -> None:
    with RunningBot(emulator, token) as bot:
        bot.file_report()
        with transaction() as session:
            tickets = list_tickets(session=session)
            assert len(tickets) == 1, texts(emulator.sent(token, CHAT))
            ticket = tickets[0]
            move_ticket(session=session, ticket=ticket, to_status="forwarded",
                          actor="operator:test", note="Diteruskan ke DLH")  # fmt: skip
            number = ticket.number
        before = bot.seen()
        notice = _reply_texts_after(bot, before, f"Kabar laporan {number}")
        time.sleep(1.5)  # a second delivery would arrive within the worker's next rounds
        again = [t for t in texts(emulator.sent(token, CHAT)) if "Kabar laporan" in t]
    assert any("Diteruskan ke instansi terkait" in t and "Diteruskan ke DLH" in t for t in notice)
    assert len(again) == 1


# --- the real entry points: `python -m bot telegram` and `python -m bot serve` ---


class _Peer:
    def __init__(self, emulator: TelegramEmulator, token: str) -> None:
        self.emulator, self.token = emulator, token


def _has_text(needle: str) -> Any:
    return lambda entries: any(needle in t for t in texts(entries))


def _env(db: str, token: str, emulator: TelegramEmulator, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env.update(
        DATABASE_URL=db, MEDIA_DIR=str(get_settings().media_dir), TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_BASE_URL=emulator.base_url, TELEGRAM_BASE_FILE_URL=emulator.base_file_url,
        TELEGRAM_POLL_INTERVAL="0.05", TELEGRAM_POLL_TIMEOUT="0", **extra,
    )  # fmt: skip
    return env


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_polling_entry_point(db: str, emulator: TelegramEmulator, token: str) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "telegram"], cwd=ROOT_DIR, env=_env(db, token, emulator),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        emulator.send_text(token, CHAT, "/bantuan")
        entries = _replies_until(_Peer(emulator, token), _has_text("Saya bisa membantu"), 60)
    finally:
        _stop(process)
    assert any("Saya bisa membantu Anda" in t for t in texts(entries))
    stderr = (process.stderr.read() if process.stderr else b"").decode()
    assert token not in stderr, "the bot token must never be logged"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_webhook_entry_point_with_secret(db: str, emulator: TelegramEmulator, token: str) -> None:
    port, secret = _free_port(), "webhook-secret-e2e"
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port)], cwd=ROOT_DIR,
        env=_env(db, token, emulator, TELEGRAM_WEBHOOK_SECRET=secret),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        # The emulator never calls webhooks: post the update as Telegram would.
        update = {"update_id": 900001, "message": {"message_id": 1, "date": int(time.time()),
                  "chat": PRIVATE, "from": USER, "text": "/start"}}  # fmt: skip
        url = f"{base}{TELEGRAM_WEBHOOK_PATH}"
        assert httpx.post(url, json=update).status_code == 403
        assert httpx.post(url, json=update, headers={SECRET_HEADER: secret}).status_code == 200
        entries = _replies_until(_Peer(emulator, token), _has_text("Halo!"), 30)
    finally:
        _stop(process)
    assert any(t.startswith("Halo!") for t in texts(entries))


# --- the operator chat: new work arrives with buttons, presses are workflow actions ---

OPERATORS = -4001
OPERATOR = {"id": 7777, "is_bot": False, "first_name": "Rina"}
STRANGER = {"id": 8888, "is_bot": False, "first_name": "Orang"}
GROUP = {"id": OPERATORS, "type": "group", "title": "Operator Bandar Lampung"}


def test_operator_chat_buttons_end_to_end(db: str, emulator: TelegramEmulator, token: str) -> None:
    with transaction() as session:
        factories.staff_chat(session=session, chat_key=str(OPERATORS), region="bandar_lampung")
        factories.staff(session=session, name="Rina", role="operator", region="bandar_lampung",
                        contacts=[("telegram", str(OPERATOR["id"]))])  # fmt: skip
    peer = _Peer(emulator, token)
    with RunningBot(emulator, token) as bot:
        bot.file_report()

        # The alert reaches the operator group with a map pin and buttons.
        alerts = _group_calls(peer, lambda e: any(x["method"] == "sendVenue" for x in e))
        alert = next(e for e in alerts if e["method"] == "sendMessage")
        assert alert["payload"]["text"].startswith("📥 Laporan baru LPG-")
        buttons = [row[0] for row in markup(alert)["inline_keyboard"]]
        forward = next(b for b in buttons if b["text"].startswith("Teruskan ke Dinas Lingkungan"))

        # Someone who is not registered presses it: refused with an alert.
        _press(peer, STRANGER, alert, forward["callback_data"])
        refused = _group_calls(peer, lambda e: any(x["method"] == "answerCallbackQuery"
                                                   for x in e))  # fmt: skip
        answer = next(e for e in refused if e["method"] == "answerCallbackQuery")["payload"]
        assert "belum terdaftar" in answer["text"] and answer["show_alert"] in (True, "true")

        # The operator presses it: forwarded, confirmed in the group, citizen told.
        _press(peer, OPERATOR, alert, forward["callback_data"])
        done = _group_calls(peer, _has_text("oleh Rina"))
        assert any(e["method"] == "editMessageReplyMarkup" for e in done)
        citizen = _replies_until(bot, _has_text("sudah diteruskan ke Dinas Lingkungan Hidup"))
    assert texts(citizen)
    with transaction() as session:
        [ticket] = list_tickets(session=session)
        assert (ticket.status, ticket.agency_code) == ("forwarded", "dlh")
        assert ticket.events[-1].actor.startswith("operator:")


def _press(peer: _Peer, user: dict[str, Any], sent: dict[str, Any], data: str) -> None:
    query = {"from": user, "message": sent["result"], "data": data}
    peer.emulator.send_update(peer.token, {"callback_query": query})


def _group_calls(peer: _Peer, predicate: Any) -> list[dict[str, Any]]:
    return _replies_until(peer, predicate, chat=OPERATORS)


# --- the IKM survey after a resolution: inline buttons ---------------------------


def test_ikm_survey_by_inline_buttons(db: str, emulator: TelegramEmulator, token: str) -> None:
    with RunningBot(emulator, token) as bot:
        bot.file_report()
        with transaction() as session:
            [ticket] = list_tickets(session=session)
            staff = factories.staff(session=session, role="admin", name="Admin")
            perform(session=session, ticket=ticket, action="forward", actor=staff,
                    request=Request(agency="dlh"))  # fmt: skip
            perform(session=session, ticket=ticket, action="resolve", actor=staff,
                    request=Request(note="Sudah diangkut"))  # fmt: skip
            number = ticket.number
        before = bot.seen()
        _reply_texts_after(bot, before, "Beri nilai")
        notice = next(e for e in messages(emulator.sent(token, CHAT)) if "Beri nilai" in
                      e["payload"]["text"])  # fmt: skip
        four = next(b for row in markup(notice)["inline_keyboard"] for b in row
                    if b["callback_data"].endswith('"nilai": 4}'))  # fmt: skip
        bot.press(notice["result"], four["callback_data"])
        offer = messages(bot.say("lewati", expect=2))[-1]
        assert "survei kepuasan" in offer["payload"]["text"]
        [[take]] = markup(offer)["inline_keyboard"]
        [question] = messages(bot.press(offer["result"], take["callback_data"]))
        assert "Pertanyaan 1 dari 9" in question["payload"]["text"]
        keyboard = [b for row in markup(question)["inline_keyboard"] for b in row]
        assert [b["text"] for b in keyboard][:4] == [
            "1 · Tidak sesuai", "2 · Kurang sesuai", "3 · Sesuai", "4 · Sangat sesuai",
        ]  # fmt: skip
        assert keyboard[-1]["text"] == "Berhenti dulu"
        assert all(len(b["callback_data"].encode()) <= 64 for b in keyboard)
        [second] = messages(bot.press(question["result"], keyboard[2]["callback_data"]))
        assert "Pertanyaan 2 dari 9" in second["payload"]["text"]
        stop = [b for row in markup(second)["inline_keyboard"] for b in row][-1]
        [paused] = messages(bot.press(second["result"], stop["callback_data"]))
        assert "sudah kami simpan" in paused["payload"]["text"]
    with transaction() as session:
        loaded = get_ticket_by_number(session=session, number=number)
        assert loaded is not None
        answers = session.scalars(select(IkmAnswer).where(IkmAnswer.ticket_id == loaded.id)).all()
        assert [(a.element, a.score) for a in answers] == [("U1", 3)]
