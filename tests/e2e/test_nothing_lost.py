"""Nothing a citizen sent is lost: after a completed report, every text the citizen
typed (and every photo caption) is in their ticket or its events.

The conversations are those of tests/data/conversations.yml tagged `utuh`:
multi-message reports, extra text during the location, photo and confirmation
questions, corrections, a rating comment. Exempt are only texts that carry
nothing to keep (see `carries_nothing`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from actions.sapa import is_salam
from core.db import transaction
from dialogue.engine import DialogueEngine
from tests.support.scripted import (
    Conversation,
    Player,
    as_param,
    fold,
    load,
    own_tickets,
    ticket_texts,
)

# An answer to the bot's question, a command, or a start without content.
ANSWERS = {
    "ya", "iya", "y", "ok", "oke", "sip", "betul", "tidak", "gak", "nggak", "lewati", "skip",
    "batal", "status", "lapor", "mau lapor", "ngadu", "mau ngadu",
}  # fmt: skip
# Greetings and thanks.
COURTESIES = {
    "halo", "hai", "pagi", "siang", "sore", "malam", "selamat pagi", "selamat siang",
    "selamat sore", "selamat malam", "makasih", "terima kasih", "makasih banyak",
}  # fmt: skip
# How people address the bot; dropped at either end before the comparison.
ADDRESS_WORDS = {"min", "kak", "pak", "bu", "mas", "mbak", "gan"}
_PUNCTUATION = re.compile(r"[^\w\s]")


def _bare(text: str) -> str:
    words = _PUNCTUATION.sub(" ", text.casefold()).split()
    while words and words[0] in ADDRESS_WORDS:
        words.pop(0)
    while words and words[-1] in ADDRESS_WORDS:
        words.pop()
    return " ".join(words)


def carries_nothing(text: str, offered: list[str]) -> bool:
    """True for a text with nothing of the report in it: an answer or command
    (ANSWERS), a greeting or thanks, the salam, an address word alone ("min"), or
    a typed button (the title or number of a button offered just before)."""
    bare = _bare(text)
    titles = {_bare(t) for t in offered}
    numbers = {str(i) for i in range(1, len(offered) + 1)}
    return (
        not bare
        or bare in ANSWERS
        or bare in COURTESIES
        or is_salam(text)
        or bare in titles
        or bare in numbers
    )


CONVERSATIONS = [c for c in load() if "utuh" in c.tags]


@pytest.mark.parametrize("conversation", [as_param(c) for c in CONVERSATIONS])
def test_every_text_of_a_completed_report_is_kept(
    conversation: Conversation, engine: DialogueEngine, tmp_path: Path
) -> None:
    transcript = Player(engine, tmp_path).play(conversation, check_turns=False)
    with transaction() as session:
        tickets = own_tickets(session)
        assert tickets, f"no report was filed\n{transcript}"
        kept = fold("\n".join(ticket_texts(session, t) for t in tickets))
    lost = [
        text
        for step in transcript.steps
        for text in step.sent
        if not carries_nothing(text, step.offered) and fold(text) not in kept
    ]
    assert not lost, f"not in the ticket or its events: {lost}\n{transcript}"


def test_there_are_enough_such_reports() -> None:
    assert len(CONVERSATIONS) >= 8


@pytest.mark.parametrize(
    ("text", "offered"),
    [("ya", []), ("Iya min", []), ("lewati", []), ("makasih min 🙏", []), ("min", []),
     ("assalamualaikum", []), ("Ya, kirim", ["Ya, kirim", "Tidak"]), ("2", ["Ya", "Tidak"]),
     ("mau lapor min", [])],
)  # fmt: skip
def test_what_carries_nothing(text: str, offered: list[str]) -> None:
    assert carries_nothing(text, offered)


@pytest.mark.parametrize(
    "text",
    ["iya udah 2 minggu", "mau lapor jalan rusak", "tidak ada airnya", "min tolong", "3",
     "makasih, lubangnya udah ditambal", "di belakang rumah saya"],
)  # fmt: skip
def test_what_carries_something(text: str) -> None:
    assert not carries_nothing(text, ["Ya, kirim", "Tidak"])
