"""The greeting names what the bot does and answers the salam in kind; in the console
chat, log lines go to a file, never between the citizen's lines."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from actions.sapa import is_salam
from core.settings import ROOT_DIR
from dialogue.engine import DialogueEngine
from tests.support.chat import Chat


def test_the_salam_is_answered_in_kind_and_hello_with_hello(engine: DialogueEngine) -> None:
    chat = Chat(engine, "dedi")
    salam = chat.say("Assalamu'alaikum min")
    assert salam.startswith("Waalaikumsalam!")
    hello = chat.say("halo")
    assert hello.startswith("Halo!")
    for what in ("laporan", "status", "KTP", "Mal Pelayanan Publik"):
        assert what in hello and what in salam


def test_salam_spellings() -> None:
    for text in ("assalamualaikum", "Asalamualaikum wr wb", "ass wr wb min", "salam kenal"):
        assert is_salam(text), text
    for text in ("halo", "selamat pagi", "salaman", "jalan rusak"):
        assert not is_salam(text), text


def test_the_console_chat_keeps_log_lines_out_of_the_chat(db: str, tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": db, "MEDIA_DIR": str(tmp_path / "media"),
           "LOG_LEVEL": "INFO"}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--user", "tono"], input="halo\n", text=True,
        capture_output=True, cwd=ROOT_DIR, env=env, timeout=120, check=True,
    )  # fmt: skip
    assert "Halo! Saya Laporin" in done.stdout
    for output in (done.stdout, done.stderr):
        assert " INFO " not in output and "alembic" not in output
    log = (tmp_path / "console.log").read_text(encoding="utf-8")
    assert "INFO alembic" in log  # the start-up logged, to the file
