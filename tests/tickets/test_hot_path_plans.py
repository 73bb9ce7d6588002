"""The queries of a message's hot paths are index look-ups on both backends, never a
read of a whole table (issue 15: their cost must not grow with the province's
tickets): `status` and `cek` (tickets.following), the contact look-up, and the
conversation's lock and load (dialogue/store.py). The statements are those the
real calls send, explained with their own parameters."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from bot.assembly import queue_replies
from core.db import transaction
from dialogue import store
from dialogue.engine import DialogueEngine
from dialogue.messages import Inbound
from nlu.entities import extract_entities
from nlu.parser import parse_payload
from tests import factories
from tests.support.query_plans import analyze, executed, scans
from tickets import following
from tickets.duplicates import add_supporter
from tickets.models import Attachment, Citizen, Ticket
from tickets.service import find_citizen, get_or_create_citizen


def _citizen_with_history(session: Session) -> tuple[Citizen, list[Ticket]]:
    """A citizen with tickets of every kind they follow, among enough other citizens'
    tickets, photos and supports that the planner has statistics to go by (a table
    of a few rows is read whole whatever its indexes)."""
    me = factories.citizen(session=session, user_key="62812000001", channel="whatsapp")
    others = []
    for i in range(40):
        someone = factories.citizen(session=session)
        for category in ("sampah", "jalan_rusak")[: 1 + i % 2]:
            others.append(factories.ticket(session=session, citizen=someone, alert=False,
                                           category=category))  # fmt: skip
    mine = [
        factories.ticket(session=session, citizen=me, category="sampah"),
        factories.ticket(session=session, citizen=me, status="resolved"),
        factories.ticket(session=session, citizen=me, status="closed", merged_into=others[0]),
    ]
    for i, ticket in enumerate(others):
        photo = Attachment(ticket_id=ticket.id, sha256=f"{i:064x}", mime_type="image/jpeg",
                           size_bytes=1, width=8, height=6, storage_path=f"{i}.jpg")  # fmt: skip
        session.add(photo)
        add_supporter(session=session, ticket=ticket, citizen=others[i - 1].citizen)
    add_supporter(session=session, ticket=others[1], citizen=me)
    session.flush()
    analyze(session)
    return me, [*mine, others[1]]


def test_status_and_cek_read_by_indexed_keys(db: str) -> None:
    with transaction() as session:
        me, followed = _citizen_with_history(session)
        with executed() as sent:
            following.followed_tickets(session=session, citizen_id=me.id)
            for ticket in followed:
                assert following.find_followed(session=session, citizen_id=me.id,
                                               number=ticket.number)  # fmt: skip
            assert following.find_followed(session=session, citizen_id=me.id,
                                           number=str(followed[0].seq))  # fmt: skip
            following.latest_resolved(session=session, citizen_id=me.id)
        assert sent
        assert scans(session, sent) == {}


def test_the_contact_look_up_is_by_its_key(db: str) -> None:
    with transaction() as session:
        _citizen_with_history(session)
        with executed() as sent:
            assert find_citizen(session=session, channel="whatsapp", user_key="62812000001")
            get_or_create_citizen(session=session, channel="telegram", user_key="7001")
        assert scans(session, sent) == {}


def test_the_conversation_is_locked_and_loaded_by_its_key(db: str) -> None:
    with transaction() as session:
        for i in range(30):
            store.lock_conversation(session=session, channel="whatsapp", user_key=f"6281{i}")
        analyze(session)
        with executed() as sent:
            conversation = store.lock_conversation(session=session, channel="whatsapp",
                                                   user_key="62815")  # fmt: skip
            store.lock_conversation(session=session, channel="telegram", user_key="new")
            assert store.mark_processed(session=session, conversation=conversation,
                                        update_id="u-1")  # fmt: skip
            assert store.was_processed(session=session, channel="whatsapp", update_id="u-1")
            store.offer_buttons(session=session, channel="whatsapp", user_key="62815",
                                buttons=[{"title": "5", "payload": "/beri_nilai"}])  # fmt: skip
        assert sent
        assert scans(session, sent) == {}


# Tables that stay small whatever the number of tickets (reference rows, staff).
SMALL_TABLES = {"region", "agency", "staff_user", "staff_contact", "staff_chat", "ticket_sequence"}
TURN_INTENTS = {"halo min": "greet", "status": "cek_status"}


def _parse(text: str) -> dict[str, Any]:
    """The NLU's verdict on the turn's messages (no model needed for plans)."""
    found = parse_payload(text)
    if found is not None:
        return found
    intent = "cek_status" if text.startswith("cek ") else TURN_INTENTS[text]
    return {"text": text, "intent": {"name": intent, "confidence": 0.95}, "confidence": 0.95,
            "entities": extract_entities(text),
            "intent_ranking": [{"name": intent, "confidence": 0.95}]}  # fmt: skip


def test_a_whole_message_turn_reads_no_growing_table_whole(db: str) -> None:
    """Every statement of a turn (conversation, contact, following, log, outbox) of
    the engine the served channels run, for a plain text, `status` and `cek`."""
    with transaction() as session:
        _, followed = _citizen_with_history(session)
    engine = DialogueEngine(parse=_parse, reply_sink=queue_replies)
    with executed() as sent:
        for text in ("halo min", "status", f"cek {followed[0].number}", "halo min"):
            engine.handle(Inbound("whatsapp", "62812000001", uuid.uuid4().hex, text=text))
    read = " ".join(s.sql for s in sent)
    assert all(f" {table}" in read for table in ("conversation", "contact", "ticket_supporter"))
    with transaction() as session:
        found = scans(session, sent)
    assert {sql: t - SMALL_TABLES for sql, t in found.items() if t - SMALL_TABLES} == {}
