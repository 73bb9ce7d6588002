"""The console chat shows the outbox's news for its citizen (ticket news, a staff
answer) before its next prompt or answer, as the other channels deliver them."""

from __future__ import annotations

import io
import re
from typing import TextIO, cast

from bot.outbox import console_news
from channels.console import run_console
from core.db import transaction
from dialogue.engine import DialogueEngine
from tests import factories
from tickets.service import get_ticket_by_number
from tickets.workflow import Request, perform

NUMBER = re.compile(r"LPG-\d{4}-\d{6}")
LINES = [
    "sampah numpuk di pinggir jalan sudah seminggu tidak diangkut",
    "/lokasi -5.3719 105.2393",
    "lewati",
    "ya",
    "makasih min",
]


class _StaffActsAfterFiling:
    """Piped input; between the "ya" that files the report and the next line, an
    operator forwards the ticket (as `python -m bot tickets forward` would)."""

    def __init__(self, output: io.StringIO) -> None:
        self.lines = io.StringIO("".join(f"{line}\n" for line in LINES))
        self.output = output
        self.read_lines = 0

    def isatty(self) -> bool:
        return False

    def readline(self) -> str:
        if self.read_lines == 4:
            number = NUMBER.search(self.output.getvalue())
            assert number, self.output.getvalue()
            with transaction() as session:
                staff = factories.staff(session=session, role="admin")
                ticket = get_ticket_by_number(session=session, number=number.group())
                assert ticket is not None
                perform(session=session, ticket=ticket, action="forward", actor=staff,
                        request=Request(agency="dlh"))  # fmt: skip
        self.read_lines += 1
        return self.lines.readline()


def test_ticket_news_shows_before_the_next_prompt(db: str, engine: DialogueEngine) -> None:
    stdout = io.StringIO()
    stdin = cast(TextIO, _StaffActsAfterFiling(stdout))
    run_console(engine=engine, user_key="nina", stdin=stdin, stdout=stdout,
                news=console_news(engine, "nina"))  # fmt: skip
    output = stdout.getvalue()
    filed = output.index("Laporan Anda sudah kami terima")
    news = output.index("sudah diteruskan ke Dinas Lingkungan Hidup")
    assert filed < news < output.index("Anda: makasih min"), output


def test_only_this_citizens_news_is_shown(db: str, engine: DialogueEngine) -> None:
    """Another console user's news stays queued for them."""
    with transaction() as session:
        citizen = factories.citizen(session=session, channel="console", user_key="lain")
        factories.ticket(session=session, citizen=citizen, status="forwarded")
    assert console_news(engine, "nina")() == []
    assert console_news(engine, "lain")() != []
