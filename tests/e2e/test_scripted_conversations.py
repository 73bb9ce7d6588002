"""The scripted messy conversations of tests/data/conversations.yml, each played
through the real engine on the console channel and checked against the database."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogue.engine import DialogueEngine
from tests.support.scripted import Conversation, Player, as_param, check, load

CONVERSATIONS = load()


@pytest.mark.parametrize("conversation", [as_param(c) for c in CONVERSATIONS])
def test_scripted_conversation(
    conversation: Conversation, engine: DialogueEngine, tmp_path: Path
) -> None:
    transcript = Player(engine, tmp_path).play(conversation)
    check(conversation, transcript)


def test_the_set_is_big_and_varied_enough() -> None:
    """Issue 14's acceptance: at least 60 conversations, each kind of messiness
    represented."""
    assert len(CONVERSATIONS) >= 60
    tags = [t for c in CONVERSATIONS for t in c.tags]
    for tag, least in {"tempat": 15, "beruntun": 10, "koreksi": 8, "tanya": 8, "foto": 6,
                       "darurat": 6, "sesudah": 6}.items():  # fmt: skip
        assert tags.count(tag) >= least, tag


def test_chat_sends_pins_photos_and_taps_as_a_messenger_does(
    engine: DialogueEngine, tmp_path: Path
) -> None:
    from tests.support.chat import Chat
    from tests.support.images import photo

    chat = Chat(engine, "sari")
    chat.say("lampu jalan di gang kenanga mati semua")
    assert "foto" in chat.say_location(-5.3866, 105.2756).lower()
    summary = chat.say_photo(photo(tmp_path / "gang.jpg", "gang"), caption="ini fotonya")
    assert "Foto: 1" in summary
    assert "LPG-" in chat.press("Ya, kirim")
    with pytest.raises(AssertionError, match="no single button"):
        chat.press("Dukung")  # never offered
