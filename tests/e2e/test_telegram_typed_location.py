"""A location typed on Telegram (Telegram Desktop cannot share a pin): the same
engine as the console, against the Bot API emulator."""

from __future__ import annotations

import pytest

from core.db import transaction
from tests.e2e.test_telegram_conversations import (  # noqa: F401 (the fixtures)
    CHAT,
    USER,
    RunningBot,
    _replies_until,
    _reply_texts_after,
    emulator,
    markup,
    messages,
    token,
)
from tests.support.telegram_emulator import TelegramEmulator
from tickets.service import get_ticket_by_number

pytestmark = pytest.mark.telegram


def _say(bot: RunningBot, text: str, needle: str) -> list[str]:
    """Type `text`; the bot's texts once one holds `needle`."""
    before = bot.seen()
    bot.emulator.send_text(bot.token, CHAT, text)
    return _reply_texts_after(bot, before, needle)


def test_no_pin_on_desktop_a_typed_place_and_an_inline_button(
    db: str,
    emulator: TelegramEmulator,  # noqa: F811 (the imported fixture)
    token: str,  # noqa: F811
) -> None:
    with RunningBot(emulator, token) as bot:
        asked = _say(bot, "lampu jalan mati sudah seminggu, gelap banget", "pin lokasi")
        assert any("Ketik saja nama jalan" in t for t in asked), asked
        _say(bot, "sy pake telegram desktop, ga bisa kirim lokasi", "Ketik saja alamat lokasinya")

        before = bot.seen()
        emulator.send_text(token, CHAT, "Kel. Rajabasa Raya, Kec. Rajabasa")
        entries = _replies_until(bot, lambda e: any(markup(m).get("inline_keyboard")
                                                    for m in messages(e[before:])))  # fmt: skip
        offer = next(m for m in messages(entries[before:]) if markup(m).get("inline_keyboard"))
        assert (
            "Maksud Anda: Kel. Rajabasa Raya, Kec. Rajabasa, Kota Bandar Lampung?"
            in (offer["payload"]["text"])
        )
        yes, no = (row[0] for row in markup(offer)["inline_keyboard"])
        assert (yes["text"], no["text"]) == ("Ya, betul", "Bukan")

        before = bot.seen()
        query = {"from": USER, "message": offer["result"], "data": yes["callback_data"]}
        emulator.send_update(token, {"callback_query": query})
        _reply_texts_after(bot, before, "Kirim foto")

        summary = _say(bot, "lewati", "Kirim laporan ini?")
        assert any("Lokasi: Kel. Rajabasa Raya" in t for t in summary), summary
        done = _say(bot, "ya", "sudah kami terima")
    number = next(t for t in done if "sudah kami terima" in t).split("nomor ")[1].split(".")[0]
    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=number)
        assert ticket is not None
        assert (ticket.location_source, ticket.region_code) == ("place", "bandar_lampung")
        assert ticket.address_text == "Kel. Rajabasa Raya, Kec. Rajabasa"
