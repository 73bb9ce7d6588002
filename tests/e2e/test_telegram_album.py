"""An album on Telegram (issue 14, finding 6): several photos with one media_group_id
are stored and answered once, after the last (the emulator delivers them as
separate updates, as Telegram does)."""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator

import pytest
from PIL import Image
from sqlalchemy import select

from core.db import transaction
from tests.e2e.test_telegram_conversations import (
    CHAT,
    PRIVATE,
    RAJABASA,
    USER,
    RunningBot,
    _replies_until,
    _reply_texts_after,
    texts,
)
from tests.support.telegram_emulator import TelegramEmulator
from tickets.models import Attachment

pytestmark = pytest.mark.telegram

_bot_ids = itertools.count(7000)


@pytest.fixture(scope="module")
def emulator() -> Iterator[TelegramEmulator]:
    with TelegramEmulator() as emu:
        yield emu


@pytest.fixture
def token() -> str:
    return f"{next(_bot_ids)}:E2E-album-token"


def _jpeg(color: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), color).save(buffer, "JPEG")
    return buffer.getvalue()


def test_an_album_gets_one_acknowledgement(
    db: str,
    emulator: TelegramEmulator,
    token: str,
) -> None:
    colors = ((200, 0, 0), (0, 200, 0), (0, 0, 200))
    for i, color in enumerate(colors):
        emulator.add_file(token, f"album-{i}", _jpeg(color), f"photos/album-{i}.jpg")
    with RunningBot(emulator, token) as bot:
        before = bot.seen()
        emulator.send_text(token, CHAT, "jln depan rumah rusak parah bgt min, lubang gede")
        _reply_texts_after(bot, before, "lokasi")
        before = bot.seen()
        location = {"latitude": RAJABASA[0], "longitude": RAJABASA[1]}
        emulator.send_update(token, {"message": {"from": USER, "chat": PRIVATE,
                                                 "location": location}})  # fmt: skip
        _reply_texts_after(bot, before, "foto")

        before = bot.seen()
        for i in range(len(colors)):
            size = {"file_id": f"album-{i}", "file_unique_id": f"a{i}", "width": 320,
                    "height": 240}  # fmt: skip
            emulator.send_update(token, {"message": {
                "from": USER, "chat": PRIVATE, "photo": [size], "media_group_id": "1357",
            }})  # fmt: skip
        entries = _replies_until(
            bot, lambda e: any("Kirim laporan ini?" in t for t in texts(e[before:]))
        )
        replies = texts(entries[before:])
    assert replies[0] == "Foto diterima (3 dari 5)."
    assert len(replies) == 2 and "Foto: 3" in replies[1], replies
    with transaction() as session:
        assert len(session.scalars(select(Attachment.id)).all()) == 3
