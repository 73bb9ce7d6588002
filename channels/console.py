"""Terminal chat: the console channel adapter.

Conventions: `/lokasi <lat> <lon>` shares a location pin, `/foto <path>` sends a
photo, a button is pressed by typing its number or label (the engine resolves
that), `/keluar` or end of input quits. Works interactively and with piped stdin.
"""

from __future__ import annotations

import shlex
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from dialogue.engine import DialogueEngine
from dialogue.messages import GeoPoint, Inbound, InboundMedia, Outbound

CHANNEL = "console"
EXIT_COMMANDS = {"/keluar", "/exit", "/quit"}


def to_inbound(line: str, *, user_key: str, engine: DialogueEngine) -> Inbound | Outbound:
    """Map one typed line to an Inbound, or to a usage hint when a command is malformed."""
    update_id = uuid.uuid4().hex
    stripped = line.strip()
    command, _, rest = stripped.partition(" ")
    if command == "/lokasi":
        parts = rest.replace(",", " ").split()
        try:
            lat, lon = (float(p) for p in parts)
        except ValueError:
            return engine.render("utter_console_format_lokasi")
        return Inbound(CHANNEL, user_key, update_id, location=GeoPoint(lat, lon))
    if command == "/foto":
        try:
            args = shlex.split(rest)
        except ValueError:
            args = []
        if len(args) != 1:
            return engine.render("utter_console_format_foto")
        path = Path(args[0]).expanduser().resolve()
        return Inbound(CHANNEL, user_key, update_id, photo=InboundMedia(str(path), None, path.name))
    return Inbound(CHANNEL, user_key, update_id, text=stripped)


def _text(engine: DialogueEngine, response: str, **variables: str) -> str:
    return engine.render(response, **variables).text or ""


def format_outbound(message: Outbound, engine: DialogueEngine) -> str:
    lines: list[str] = []
    if message.text:
        lines.append(message.text)
    if message.venue:
        v = message.venue
        lines.append(f"📍 {v.title} — {v.address} ({v.latitude:.5f}, {v.longitude:.5f})")
    if message.image_path:
        lines.append(_text(engine, "utter_console_gambar", path=message.image_path))
    if message.buttons:
        lines.append("  ".join(f"[{i}] {b.title}" for i, b in enumerate(message.buttons, 1)))
    if message.request_location:
        hint = engine.render("utter_console_petunjuk_lokasi").text
        if hint:
            lines.append(hint)
    return "\n".join(lines)


def run_console(
    *,
    engine: DialogueEngine,
    user_key: str,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    news: Callable[[], list[Outbound]] | None = None,
) -> None:
    """`news`: what else the bot has for this citizen (ticket news, a staff answer),
    shown before each prompt and before the answer to a line."""
    interactive = stdin.isatty()
    bot_name = _text(engine, "utter_console_nama_bot")
    user_name = _text(engine, "utter_console_nama_pengguna")

    def emit(text: str) -> None:
        stdout.write(f"{bot_name}: {text}\n\n")
        stdout.flush()

    banner = engine.render("utter_console_selamat_datang").text
    if interactive and banner:
        emit(banner)

    def show_news() -> None:
        for message in news() if news else []:
            emit(format_outbound(message, engine))

    while True:
        show_news()
        if interactive:
            stdout.write(f"{user_name}: ")
            stdout.flush()
        line = stdin.readline()
        if not line:  # end of input
            break
        if not line.strip():
            continue
        if line.strip().lower() in EXIT_COMMANDS:
            break
        show_news()  # what came while the line was typed, before its answer
        if not interactive:
            stdout.write(f"{user_name}: {line.strip()}\n")
        inbound = to_inbound(line, user_key=user_key, engine=engine)
        replies = [inbound] if isinstance(inbound, Outbound) else engine.handle(inbound)
        for reply in replies:
            emit(format_outbound(reply, engine))
