"""The Telegram Application around the engine: errors, stale buttons, "typing" (offline)."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any, cast

import pytest
from telegram import Update

from channels.telegram import app as telegram_app
from channels.telegram.app import build_application
from core.settings import Settings
from dialogue.engine import DialogueEngine
from dialogue.interpreter import ParseFn
from nlu.parser import parse_payload
from tests.support.telegram_offline import OfflineRequest

# Buttons only: these tests never reach the NLU model.
PAYLOADS_ONLY = cast(ParseFn, parse_payload)

CHAT = {"id": 31, "type": "private", "first_name": "Ani"}
USER = {"id": 31, "is_bot": False, "first_name": "Ani"}


class BrokenEngine(DialogueEngine):
    def handle(self, inbound: Any, **_: Any) -> Any:
        raise RuntimeError("database is on fire")


def _process(
    engine: DialogueEngine, data: dict[str, Any], media_dir: Path,
    request: OfflineRequest | None = None,
) -> OfflineRequest:  # fmt: skip
    request = request or OfflineRequest()
    settings = Settings(telegram_bot_token="123:TEST", media_dir=media_dir)
    app = build_application(engine=engine, settings=settings, updater=False, request=request)

    async def main() -> None:
        async with app:
            update = Update.de_json(data, app.bot)
            await app.process_update(update)

    asyncio.run(main())
    return request


def _message(text: str) -> dict[str, Any]:
    return {"update_id": 1, "message": {"message_id": 1, "date": 1_790_000_000, "chat": CHAT,
                                        "from": USER, "text": text}}  # fmt: skip


def test_an_error_is_logged_without_content_and_the_user_gets_an_apology(
    db: str, media_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        request = _process(BrokenEngine(parse=PAYLOADS_ONLY), _message("NIK 1871012345670001"),
                           media_dir)  # fmt: skip
    [apology] = request.named("sendMessage")
    assert apology.params["text"].startswith("Maaf, terjadi gangguan")
    assert "RuntimeError" in caplog.text
    assert "1871012345670001" not in caplog.text
    assert "123:TEST" not in caplog.text


def test_a_stale_button_is_answered_not_crashed_on(db: str, media_dir: Path) -> None:
    # "Ya, kirim" pressed on an old summary, with no report waiting.
    data = {
        "update_id": 2,
        "callback_query": {
            "id": "q1", "from": USER, "chat_instance": "c", "data": "/affirm",
            "message": {"message_id": 3, "date": 1_790_000_000, "chat": CHAT,
                        "from": {"id": 999, "is_bot": True, "first_name": "Laporin"},
                        "text": "Kirim laporan ini?"},
        },
    }  # fmt: skip
    request = _process(DialogueEngine(parse=PAYLOADS_ONLY), data, media_dir)
    assert request.named("answerCallbackQuery")
    assert request.named("editMessageReplyMarkup")  # the old keyboard goes away
    [reply] = request.named("sendMessage")
    assert "tidak ada laporan yang menunggu konfirmasi" in reply.params["text"]


class SlowEngine(DialogueEngine):
    """A turn still running when "typing..." is due (a photo, a busy moment): it ends
    once the chat was shown "typing..."."""

    request: OfflineRequest

    def handle(self, inbound: Any, **kwargs: Any) -> Any:
        deadline = time.monotonic() + 10
        while not self.request.named("sendChatAction") and time.monotonic() < deadline:
            time.sleep(0.01)
        return super().handle(inbound, **kwargs)


def test_typing_is_shown_only_when_the_answer_is_not_ready_in_time(
    db: str, media_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(telegram_app, "TYPING_AFTER", 30)  # answered well in time
    quick = _process(DialogueEngine(parse=PAYLOADS_ONLY), _message("/affirm"), media_dir)
    assert quick.named("sendMessage") and not quick.named("sendChatAction")
    monkeypatch.setattr(telegram_app, "TYPING_AFTER", 0.05)
    slow_engine = SlowEngine(parse=PAYLOADS_ONLY)
    slow_engine.request = OfflineRequest()
    later = {**_message("/affirm"), "update_id": 2}
    slow = _process(slow_engine, later, media_dir, request=slow_engine.request)
    [typing] = slow.named("sendChatAction")
    assert typing.params["action"] == "typing"
    assert slow.calls.index(typing) < slow.calls.index(slow.named("sendMessage")[0])
