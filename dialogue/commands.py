"""The menu commands (/start, /lapor, /status, /mpp, /bantuan, /batal, /survei), one mapping
for every channel: Telegram lists them in its menu, and the interpreter reads
"/lapor", "/lapor@LaporinBot" or a bare "lapor" as the command's payload on the
console, Telegram and WhatsApp alike."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

COMMANDS_FILE = Path(__file__).with_name("commands.yml")


@dataclass(frozen=True)
class Command:
    command: str
    payload: str
    description: str


@cache
def commands() -> tuple[Command, ...]:
    data = yaml.safe_load(COMMANDS_FILE.read_text(encoding="utf-8"))
    return tuple(Command(**item) for item in data["commands"])


def _payload(name: str) -> str | None:
    return next((c.payload for c in commands() if c.command == name), None)


def command_payload(text: str) -> str | None:
    """'/status' or '/status@LaporinBot arg' -> the payload of that command."""
    if not text.startswith("/"):
        return None
    name = text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(text) > 1 else ""
    return _payload(name)


def bare_command_payload(text: str) -> str | None:
    """A command typed as a word alone ("lapor", "Status!"), as WhatsApp and console
    users do: the command's payload."""
    word = text.strip().strip(".!?").casefold()
    return _payload(word) if word and " " not in word else None
