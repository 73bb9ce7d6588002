"""The menu commands mean the same on the console as on Telegram and WhatsApp
(dialogue/commands.yml), typed with or without the slash."""

from __future__ import annotations

import pytest

from dialogue.commands import bare_command_payload, command_payload, commands
from knowledge.categories import all_categories
from tests.support.chat import Chat

EXPECTED = {
    "start": "Saya Laporin",
    "lapor": "Pilih kategorinya",
    "status": "belum punya laporan",
    "mpp": "Mal Pelayanan Publik (MPP) terdekat",
    "bantuan": "Saya bisa membantu Anda",
    "batal": "Tidak ada laporan yang sedang diisi",
    "survei": "tidak ada survei kepuasan",
}


def test_every_command_has_an_expectation() -> None:
    assert {c.command for c in commands()} == set(EXPECTED)


@pytest.mark.parametrize("command", sorted(EXPECTED))
def test_commands_on_the_console(chat: Chat, command: str) -> None:
    assert EXPECTED[command] in chat.say(f"/{command}")
    chat.say("/batal")
    assert EXPECTED[command] in chat.say(command.capitalize())


def test_a_command_inside_the_form_interrupts_as_on_telegram(chat: Chat) -> None:
    chat.say("/lapor")
    assert "dibatalkan" in chat.say("/batal")


def test_command_parsing() -> None:
    assert command_payload("/status@LaporinBot") == "/cek_status"
    assert bare_command_payload(" lapor! ") == "/lapor_umum"
    assert bare_command_payload("lapor jalan rusak") is None  # a sentence goes to the NLU
    assert command_payload("/tidakada") is None


def test_short_labels_fit_a_whatsapp_row() -> None:
    for category in all_categories():
        assert len(category.short) <= 24, category
