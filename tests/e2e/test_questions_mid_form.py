"""The category list no longer traps people (issue 14, finding 4), on the console,
on SQLite and PostgreSQL: "Lainnya" goes to the region's operator with no agency;
a service question, "status" or "mpp terdekat" during the form is answered and the
form resumes; a question at the category prompt is never filed."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

import nlu
from core.db import transaction
from dialogue.engine import DialogueEngine
from tests import factories
from tests.support.chat import Chat
from tickets.models import Notification, Ticket
from tickets.serialize import ticket_to_dict
from tickets.service import list_tickets

NUMBER = re.compile(r"LPG-\d{4}-\d{6}")
PIN = ("-5.3719", "105.2393")
COMPLAINT = "jalan di depan sdn 2 rajabasa berlubang besar, sudah banyak motor jatuh"
RESUMED = "Kembali ke laporan Anda:"


def _tickets() -> list[dict]:
    with transaction() as session:
        return [ticket_to_dict(t) for t in list_tickets(session=session)]


def test_lainnya_is_filed_to_the_region_with_no_agency(chat: Chat) -> None:
    with transaction() as session:
        operators = factories.staff_chat(session=session, region="bandar_lampung")
        key = operators.chat_key
    reply = chat.say("saya mau lapor")
    assert "Lainnya" in reply
    reply = chat.say("Lainnya")
    assert "Ceritakan singkat masalahnya" in reply
    chat.say("banyak anjing liar di komplek kami, suka mengejar anak-anak sekolah")
    chat.say(f"/lokasi {PIN[0]} {PIN[1]}")
    assert "Kategori: Lainnya" in chat.say("lewati")
    number = NUMBER.search(chat.say("ya"))
    assert number
    with transaction() as session:
        ticket = session.scalars(select(Ticket)).one()
        assert (ticket.category, ticket.region_code) == ("lainnya", "bandar_lampung")
        assert ticket.suggested_agency_code is None and ticket.agency_code is None
        alert = session.scalars(select(Notification).where(Notification.user_key == key)).one()
        assert alert.response == "utter_operator_tiket_baru"
        assert alert.variables["kategori"] == "Lainnya" and alert.variables["instansi"] == ""
        # No agency to forward to from the alert: the operator triages (or rejects).
        assert [b["payload"].split(":")[1] for b in alert.buttons or []] == ["reject"]


def test_lainnya_is_offered_with_the_guessed_categories(chat: Chat) -> None:
    reply = chat.say("kok gini terus sih pelayanannya")  # a complaint of an unsure kind
    assert "termasuk salah satu kategori ini" in reply
    assert "Lainnya" in reply and "Kategori lain" in reply


def test_service_question_status_and_mpp_mid_form_then_filed_with_nothing_lost(
    chat: Chat,
) -> None:
    chat.say(COMPLAINT)
    reply = chat.say("eh btw bikin ktp syaratnya apa?")
    assert "KTP-el" in reply and "Sumber (dicek" in reply
    assert reply.index(RESUMED) < reply.index("Kirim lokasi masalahnya")
    reply = chat.say("mpp terdekat")  # no location in the report yet
    assert "Kirim dulu lokasi masalahnya" in reply and RESUMED in reply
    reply = chat.say(f"/lokasi {PIN[0]} {PIN[1]}")
    assert "Kirim foto" in reply
    reply = chat.say("status")
    assert "belum punya laporan" in reply and RESUMED in reply and "Kirim foto" in reply
    reply = chat.say("mpp terdekat")  # from the report's pin
    assert "Mal Pelayanan Publik terdekat" in reply and RESUMED in reply
    assert reply.rstrip().endswith("[1] Lewati")
    summary = chat.say("lewati")
    assert f"Uraian: {COMPLAINT}\n" in summary  # the questions were not added to it
    assert NUMBER.search(chat.say("ya"))
    (ticket,) = _tickets()
    assert (ticket["category"], ticket["description"]) == ("jalan_rusak", COMPLAINT)
    assert ticket["region"] == "bandar_lampung"


def test_a_question_at_the_category_prompt_is_answered_not_filed(chat: Chat) -> None:
    chat.say("saya mau lapor")
    reply = chat.say("syarat bikin sim apa aja?")
    assert "SIM" in reply and RESUMED in reply and "Pilih kategorinya" in reply
    reply = chat.say("siapa gubernur lampung sekarang?")  # nothing in the knowledge base
    assert "belum bisa menjawab" in reply and RESUMED in reply and "Pilih kategorinya" in reply
    reply = chat.say("Sampah")
    assert "Ceritakan singkat masalahnya" in reply  # the questions were not the description
    chat.say("batal")
    assert _tickets() == []


def test_an_address_the_classifier_takes_for_a_service_question_is_the_forms(db: str) -> None:
    """At the location prompt a typed address that the NLU guesses is a service
    question (no "?", no question word, no service named) is the report's location:
    the service answer declines it (ActionExecutionRejected) and the form takes it."""
    real = nlu.parse
    address = "kel. way halim permai, kec. way halim"

    def guesses_faq(text: str) -> dict[str, Any]:
        parsed = real(text)
        if text != address:
            return parsed
        topic = "faq/pindah_domisili"
        label = {"name": "faq", "confidence": 0.9}
        ranking = [{"name": topic, "confidence": 0.9}]
        return {**parsed, "intent": label, "full_retrieval_intent": topic, "confidence": 0.9,
                "intent_ranking": ranking}  # fmt: skip

    chat = Chat(DialogueEngine(parse=guesses_faq))
    chat.say(COMPLAINT)
    reply = chat.say(address)
    assert "Pindah domisili" not in reply and RESUMED not in reply
    assert "Way Halim Permai" in reply  # the typed place, offered back to confirm
