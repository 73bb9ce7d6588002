"""What one message costs the database: SQL statements, transactions and pings per
turn of the engine the served channels use (replies queued to the outbox), for each
kind of message. Upper bounds: a change that adds a statement to a turn fails here
(issue 15: a turn spent its time on 23 statements in 7 transactions, pinging the
server on every checkout)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

import nlu
from bot.assembly import durable_engine
from core.db import get_engine, transaction
from dialogue.engine import DialogueEngine
from dialogue.messages import GeoPoint, Inbound, InboundMedia
from tests import factories
from tests.support.images import photo
from tickets.duplicates import add_supporter
from tickets.enums import TicketStatus
from tickets.models import Notification

CITIZEN = "6281200000001"
REPORTER = "6281200000002"
OWN_TICKETS = 30
STATUSES = (TicketStatus.NEW, TicketStatus.FORWARDED, TicketStatus.IN_PROGRESS,
            TicketStatus.RESOLVED, TicketStatus.REJECTED)  # fmt: skip

# The most statements a turn of each kind may run (measured, on both backends:
# SQLite's BEGIN IMMEDIATE is the transaction, not counted as a statement).
# Every turn: lock the conversation (a first message: insert it), the redelivery
# guard, save the state, the log rows, the outbox rows; then what the message needs
# (status: the citizen, own and supported tickets; cek: the citizen, the ticket, its
# events; filing: the ticket, its number, photos, event, staff alerts).
MAX_STATEMENTS = {
    "first message (greeting)": 6,
    "service question": 5,
    "status, 30 tickets and a supported one": 8,
    "cek LPG-...": 8,
    "complaint text (first message)": 6,
    "complaint pin": 7,
    "complaint photo": 6,
    "complaint confirmed (ticket filed)": 19,
}


@dataclass
class Counted:
    statements: list[str] = field(default_factory=list)
    transactions: int = 0
    pings: int = 0

    def clear(self) -> None:
        self.statements.clear()
        self.transactions = self.pings = 0


@pytest.fixture
def counted(db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Counted]:
    """Statements, transactions and pre-pings of the engine's database from now on."""
    engine = get_engine(db)
    seen = Counted()

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        if sql.strip().upper() != "BEGIN IMMEDIATE":
            seen.statements.append(" ".join(sql.split())[:90])

    def begin(_conn: Any) -> None:
        seen.transactions += 1

    ping = engine.dialect.do_ping

    def counting_ping(dbapi_connection: Any) -> bool:
        seen.pings += 1
        return ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counting_ping)
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "begin", begin)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "begin", begin)


@pytest.fixture
def served(db: str, nlu_model_dir: Path) -> DialogueEngine:
    nlu.get_parser(nlu_model_dir)
    return durable_engine(database_url=db)


def _followed_number() -> str:
    """A citizen with OWN_TICKETS tickets in several statuses who supports one more;
    returns the number of one of their own."""
    with transaction() as session:
        me = factories.citizen(session=session, channel="test", user_key=CITIZEN)
        own = [
            factories.ticket(session=session, citizen=me, status=STATUSES[i % len(STATUSES)],
                             alert=False)
            for i in range(OWN_TICKETS)
        ]  # fmt: skip
        other = factories.ticket(session=session, alert=False)
        assert add_supporter(session=session, ticket=other, citizen=me)
        return own[len(own) // 2].number


def test_each_kind_of_message_stays_within_its_statements(
    served: DialogueEngine, counted: Counted, tmp_path: Path
) -> None:
    number = _followed_number()
    picture = photo(tmp_path / "jalan.jpg", "jalan")
    turns: list[tuple[str, str, dict[str, Any], str]] = [
        ("first message (greeting)", CITIZEN, {"text": "halo min"}, "Halo"),
        ("service question", CITIZEN, {"text": "syarat bikin ktp apa"}, "KTP"),
        ("status, 30 tickets and a supported one", CITIZEN, {"text": "status"},
         f"Laporan Anda ({OWN_TICKETS + 1})"),
        ("cek LPG-...", CITIZEN, {"text": f"cek {number}"}, number),
        ("complaint text (first message)", REPORTER,
         {"text": "jalan di depan sdn 2 rajabasa berlubang besar, banyak motor jatuh"},
         "lokasi"),
        ("complaint pin", REPORTER, {"location": GeoPoint(-5.3719, 105.2393)}, "foto"),
        ("complaint photo", REPORTER,
         {"photo": InboundMedia(str(picture), "image/jpeg", picture.name)}, "Foto: 1"),
        ("complaint confirmed (ticket filed)", REPORTER, {"text": "ya"}, "LPG-"),
    ]  # fmt: skip
    seen = 0
    for kind, user, message, answer in turns:
        counted.clear()
        served.handle(Inbound("test", user, uuid.uuid4().hex, **message))
        statements, transactions, pings = (
            list(counted.statements),
            counted.transactions,
            counted.pings,
        )
        replied, seen = _queued_after(seen)
        assert answer.casefold() in replied.casefold(), (kind, replied)
        assert transactions == 1, (kind, statements)
        assert pings == 0, kind
        assert len(statements) <= MAX_STATEMENTS[kind], (kind, statements)
    assert [t[0] for t in turns] == list(MAX_STATEMENTS)


def _queued_after(last_id: int) -> tuple[str, int]:
    """The reply texts the turn queued (the durable engine returns none), and the
    last outbox id."""
    with transaction() as session:
        rows = session.scalars(
            select(Notification).where(Notification.id > last_id).order_by(Notification.id)
        ).all()
    texts = "\n".join(str((row.reply or {}).get("text") or "") for row in rows)
    return texts, max((row.id for row in rows), default=last_id)
