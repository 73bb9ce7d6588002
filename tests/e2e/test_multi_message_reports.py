"""A complaint sent as several messages: every text that answers no question of the
report is added to its description, and nothing the citizen typed is lost."""

from __future__ import annotations

from sqlalchemy import select

from core.db import transaction
from dialogue.engine import DialogueEngine
from tests.support.chat import Chat
from tickets.models import Ticket

PIN = "/lokasi -5.3719 105.2393"


def test_follow_up_messages_reach_the_description_and_the_ticket(engine: DialogueEngine) -> None:
    chat = Chat(engine, "ani")
    texts = ["air pdam mati", "udah 3 hari", "keruh kaya teh susu"]
    chat.say(texts[0])
    for text in texts[1:]:
        reply = chat.say(text)
        assert "kami tambahkan ke uraian" in reply
        assert "lokasi" in reply.lower()  # and the pin is asked for again
    chat.say(PIN)
    summary = chat.say("lewati")
    for text in texts:
        assert text in summary
    assert "LPG-" in chat.say("ya")
    with transaction() as session:
        ticket = session.scalars(select(Ticket)).one()
        assert all(text in ticket.description for text in texts)  # nothing lost


def test_a_service_question_or_a_yes_is_not_added(engine: DialogueEngine) -> None:
    chat = Chat(engine, "budi")
    chat.say("jalan depan rumah rusak parah berlubang")
    chat.say("gmn cara bikin ktp?")
    chat.say(PIN)
    summary = chat.say("lewati")
    assert "ktp" not in summary.lower()
