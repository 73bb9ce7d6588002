"""Emergencies both ways (issue 14, finding 5), on the console: someone in danger now
gets 112 first wherever the conversation is, and nothing they typed is lost; an
answer to a form question or a softer mention gets no alarm."""

from __future__ import annotations

from sqlalchemy import select

from core.db import transaction
from dialogue.engine import DialogueEngine
from tests.support.chat import Chat
from tickets.models import Ticket

PIN = "/lokasi -5.3719 105.2393"
EMERGENCY = "segera telepon 112"


def _ticket_description() -> str:
    with transaction() as session:
        return session.scalars(select(Ticket)).one().description


def test_trapped_during_a_flood_report_gets_112_and_the_report_goes_on(
    engine: DialogueEngine,
) -> None:
    chat = Chat(engine, "flood")
    chat.say("banjir sepinggang di perumahan kami")
    reply = chat.say("kami terjebak di lantai 2")
    assert reply.startswith("Ini keadaan darurat")  # 112 before anything else
    assert "kami tambahkan ke uraian" in reply
    assert "lokasi" in reply.lower()  # and the form asks its question again
    chat.say(PIN)
    summary = chat.say("lewati")
    assert "kami terjebak di lantai 2" in summary
    assert "LPG-" in chat.say("ya")
    assert "kami terjebak di lantai 2" in _ticket_description()


def test_trapped_outside_a_report_gets_112_only(engine: DialogueEngine) -> None:
    reply = Chat(engine, "trapped").say("kami terjebak di lantai 2")
    assert EMERGENCY in reply
    assert "kategori" not in reply.lower()


def test_a_victim_under_a_fallen_tree_gets_112_and_the_complaint_keeps_the_text(
    engine: DialogueEngine,
) -> None:
    chat = Chat(engine, "tree")
    text = "pohon tumbang menimpa orang, korbannya kejepit"
    reply = chat.say(text)
    assert reply.startswith("Ini keadaan darurat")
    assert "lokasi" in reply.lower()  # the complaint form goes on
    chat.say(PIN)
    assert text in chat.say("lewati")


def test_behind_my_house_as_a_description_is_kept_without_alarm(engine: DialogueEngine) -> None:
    chat = Chat(engine, "rumah")
    chat.say("mau lapor")
    asked = chat.say("1")  # jalan rusak: the description is asked for
    assert "Ceritakan" in asked
    reply = chat.say("di belakang rumah saya")
    assert EMERGENCY not in reply
    assert "lokasi" in reply.lower()  # the description was taken, the pin is next
    chat.say(PIN)
    summary = chat.say("lewati")
    assert "Uraian: di belakang rumah saya" in summary


def test_form_answers_never_raise_the_alarm(engine: DialogueEngine) -> None:
    chat = Chat(engine, "answers")
    replies = [
        chat.say("lampu jalan mati di depan gang"),
        chat.say("di belakang rumah saya"),
        chat.say(PIN),
        chat.say("lewati"),
        chat.say("ya"),
    ]
    assert all(EMERGENCY not in reply for reply in replies)
    assert "LPG-" in replies[-1]


def test_an_emergency_at_the_category_question_is_kept(engine: DialogueEngine) -> None:
    chat = Chat(engine, "category")
    chat.say("mau lapor")
    text = "tolong ada anak kesetrum di tiang lampu jalan"
    reply = chat.say(text)
    assert reply.startswith("Ini keadaan darurat")
    chat.say("5")  # lampu jalan mati
    chat.say(PIN)
    assert text in chat.say("lewati")


def test_an_emergency_at_the_confirmation_is_added_and_asked_again(
    engine: DialogueEngine,
) -> None:
    chat = Chat(engine, "confirm")
    chat.say("jalan berlubang besar di depan sd")
    chat.say(PIN)
    chat.say("lewati")
    text = "barusan ada motor jatuh di situ, pengendaranya ga sadar"
    reply = chat.say(text)
    assert reply.startswith("Ini keadaan darurat")
    assert "kami tambahkan ke uraian" in reply
    assert "LPG-" not in reply  # nothing was filed without a yes
    assert "LPG-" in chat.say("ya")
    assert text in _ticket_description()


def test_softer_mentions_in_a_complaint_get_no_alarm(engine: DialogueEngine) -> None:
    chat = Chat(engine, "soft")
    for text in (
        "bekas kebakaran pasar minggu lalu masih berantakan",
        "jalan ini sering kecelakaan tolong dipasang lampu",
        "hidran kebakaran di komplek kami rusak",
    ):
        assert EMERGENCY not in chat.say(text), text
        chat.say("batal")
