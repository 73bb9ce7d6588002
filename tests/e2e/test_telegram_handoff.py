"""Asking for a person on Telegram (the Bot API emulator): the operators' group gets the
request, the answer given on the command line reaches the citizen's chat."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.cli import main
from core.db import transaction
from tests import factories
from tests.e2e.test_telegram_conversations import (
    RAJABASA,
    RunningBot,
    _Peer,
    _replies_until,
    texts,
)
from tests.support.telegram_emulator import TelegramEmulator

pytestmark = pytest.mark.telegram

OPERATORS = -4101
_bot_ids = itertools.count(4101)


@pytest.fixture(scope="module")
def emulator() -> Iterator[TelegramEmulator]:
    with TelegramEmulator() as emu:
        yield emu


def _has(needle: str) -> Callable[[list[dict[str, Any]]], bool]:
    return lambda entries: any(needle in t for t in texts(entries))


def test_the_operator_group_gets_the_request_and_the_answer_reaches_the_citizen(
    db: str, emulator: TelegramEmulator
) -> None:
    token = f"{next(_bot_ids)}:E2E-handoff"  # the emulator keeps each bot's chats
    with transaction() as session:
        factories.staff_chat(session=session, chat_key=str(OPERATORS), region="bandar_lampung")
        operator = factories.staff(session=session, name="Rina", region="bandar_lampung").id
    peer = _Peer(emulator, token)
    with RunningBot(emulator, token) as bot:
        bot.send({"location": {"latitude": RAJABASA[0], "longitude": RAJABASA[1]}})
        [reply] = texts(bot.say("mau bicara dengan petugas"))
        assert "sudah kami teruskan ke petugas" in reply and "Kota Bandar Lampung" in reply

        group = _replies_until(peer, _has("Warga minta bicara dengan petugas"), chat=OPERATORS)
        [alert] = [t for t in texts(group) if "Warga minta bicara" in t]
        assert "Kota Bandar Lampung" in alert and "mau bicara dengan petugas" in alert
        request_id = alert.split("#", 1)[1].split(",", 1)[0]
        assert f"python -m bot handoff reply {request_id} --as" in alert

        before = bot.seen()
        assert main(["handoff", "reply", request_id, "--as", str(operator),
                     "Halo, saya Rina dari operator Bandar Lampung."]) == 0  # fmt: skip
        answer = _replies_until(bot, lambda e: bool(_has("Jawaban petugas")(e[before:])))
    [delivered] = [t for t in texts(answer[before:]) if "Jawaban petugas" in t]
    assert delivered.startswith("Jawaban petugas: Halo, saya Rina dari operator Bandar Lampung.")
