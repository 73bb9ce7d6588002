"""Service questions, nearest MPP and unanswered questions, through the console channel."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from core.db import transaction
from dialogue.engine import DialogueEngine
from knowledge.facets import facet_book
from knowledge.faq import all_topics
from knowledge.models import UnansweredQuestion
from nlu.parser import parse_payload
from tests import factories
from tests.support.chat import Chat

METRO = ("-5.1131", "105.3067")
JAKARTA = ("-6.2088", "106.8456")


def _heading(reply: str) -> str:
    return reply.splitlines()[0]


def test_overview_then_the_facet_asked_by_button_and_by_follow_up(chat: Chat) -> None:
    topic = all_topics()["ktp_baru"]
    reply = chat.say("info ktp dong")
    assert _heading(reply) == topic.title
    assert topic.overview.text in reply and "Sumber (dicek" in reply
    assert "[1] Syarat  [2] Biaya" in reply  # a button per facet
    # The button's label, typed; then follow-ups that never name KTP again.
    for said, facet in [("biaya", "biaya"), ("terus syaratnya apa aja?", "syarat"),
                        ("kalo online bisa?", "online"), ("harus bawa apa aja", "syarat"),
                        ("dimana tempatnya", "tempat")]:  # fmt: skip
        reply = chat.say(said)
        label = facet_book().get(facet).label
        assert _heading(reply) == f"{topic.title}: {label}", said
        assert all(e.text in reply for e in topic.confirmed(facet))
    sources = chat.say("sumbernya?")
    assert _heading(sources) == f"Sumber informasi {topic.title}:"
    assert all(s.url in sources for s in topic.cited)


def test_a_follow_up_switches_to_the_service_it_names(chat: Chat) -> None:
    chat.say("biaya bikin paspor berapa")
    reply = chat.say("kalo sim?")  # the same facet, of the service named now
    assert _heading(reply) == f"{all_topics()['sim'].title}: Biaya"
    reply = chat.say("brp lama?")
    assert _heading(reply) == f"{all_topics()['sim'].title}: Lama proses"


def test_the_topic_is_forgotten_a_few_messages_later(chat: Chat) -> None:
    chat.say("syarat skck apa aja")
    for text in ("halo", "makasih min", "oke", "sip"):
        chat.say(text)
    reply = chat.say("biayanya berapa?")
    assert reply.startswith("Maaf, Biaya untuk layanan apa yang Anda maksud?")


def test_english_service_terms_are_answered_in_indonesian(chat: Chat) -> None:
    for text, topic_id in [("how much is a passport", "paspor"),
                           ("building permit requirements", "pbg"),
                           ("vehicle tax late fine", "pajak_kendaraan")]:  # fmt: skip
        assert _heading(chat.say(text)).startswith(all_topics()[topic_id].title), text


def test_mpp_topic_offers_the_nearest_mpp_search(chat: Chat) -> None:
    reply = chat.say("/faq/mal_pelayanan_publik")
    buttons = reply.splitlines()[-1]
    assert buttons.endswith("Cari MPP terdekat")
    number = buttons.split("] Cari MPP terdekat")[0].rsplit("[", 1)[1]
    reply = chat.say(number)
    assert "Kirim lokasi" in reply
    reply = chat.say("bukanya jam brp")  # the chat is about MPPs now
    assert _heading(reply) == f"{all_topics()['mal_pelayanan_publik'].title}: Jam layanan"


def test_nearest_mpp_asks_for_a_pin_then_lists_three(chat: Chat) -> None:
    reply = chat.say("mpp terdekat dimana ya")
    assert "Kirim lokasi" in reply and "/lokasi" in reply
    reply = chat.say(f"/lokasi {METRO[0]} {METRO[1]}")
    lines = reply.splitlines()
    assert lines[0] == "Mal Pelayanan Publik terdekat dari lokasi Anda:"
    assert lines[1].startswith("1. Mal Pelayanan Publik Kota Metro, ")
    assert " km" in lines[1]
    assert reply.count("📍") == 3  # one venue (map pin) per MPP
    assert "2. " in reply and "3. " in reply


def test_nearest_mpp_refuses_a_pin_outside_lampung(chat: Chat) -> None:
    chat.say("cari mal pelayanan publik terdekat")
    reply = chat.say(f"/lokasi {JAKARTA[0]} {JAKARTA[1]}")
    assert "di luar Provinsi Lampung" in reply
    assert "📍" not in reply


def test_pin_first_then_choose_mpp_or_complaint(chat: Chat) -> None:
    reply = chat.say(f"/lokasi {METRO[0]} {METRO[1]}")
    assert "Cari MPP terdekat" in reply and "Lapor masalah di sini" in reply
    reply = chat.say("1")
    assert "Mal Pelayanan Publik Kota Metro" in reply

    # The same pin, then a complaint: the location is not asked again.
    chat.say(f"/lokasi {METRO[0]} {METRO[1]}")
    reply = chat.say("2")
    assert "kategori" in reply.lower()
    chat.say("sampah")
    reply = chat.say("sampah menumpuk di pinggir jalan sudah seminggu tidak diangkut")
    assert "Kirim lokasi" not in reply
    assert "foto" in reply.lower()
    summary = chat.say("lewati")
    assert f"Lokasi: {float(METRO[0]):.5f}, {float(METRO[1]):.5f}" in summary
    assert "Kota Metro" in summary  # the pin went through the region check


def test_question_outside_the_knowledge_base_is_logged(chat: Chat) -> None:
    # The real NLU reads this as out_of_scope; it is a question, so it is logged.
    reply = chat.say("kapan pendaftaran cpns dibuka?")
    assert "belum bisa menjawab" in reply
    assert [q.text for q in _questions()] == ["kapan pendaftaran cpns dibuka?"]
    # Small talk is not.
    chat.say("wkwkwk")
    assert len(_questions()) == 1


# The fallback path, with a parser that is always unsure (deterministic).

UNSURE_TEXTS = {
    "syarat perpanjang paspor yang sudah habis masa berlakunya": [],
    "kapan pendaftaran cpns dibuka?": [],
    "asdf qwer zxcv": [],
    "ktp sy ditahan petugas kelurahan dimintai uang": [
        {"name": "lapor/pungli", "confidence": 0.3},
        {"name": "faq/ktp_hilang_rusak", "confidence": 0.2},
    ],
}


def unsure_parse(text: str) -> dict[str, Any]:
    payload = parse_payload(text)
    if payload is not None:
        return payload
    ranking = UNSURE_TEXTS.get(text, [])
    return {
        "text": text,
        "intent": {"name": "out_of_scope", "confidence": 0.1},
        "full_retrieval_intent": None,
        "confidence": 0.1,
        "entities": [],
        "intent_ranking": ranking,
    }


@pytest.fixture
def unsure(db: str) -> Chat:
    return Chat(DialogueEngine(parse=unsure_parse))


def _questions() -> list[UnansweredQuestion]:
    with transaction() as session:
        rows = list(session.scalars(select(UnansweredQuestion).order_by(UnansweredQuestion.id)))
        session.expunge_all()
        return rows


def test_unsure_question_naming_a_service_is_answered(unsure: Chat) -> None:
    reply = unsure.say("syarat perpanjang paspor yang sudah habis masa berlakunya")
    assert _heading(reply) == f"{all_topics()['paspor'].title}: Syarat"
    assert _questions() == []


def test_unsure_question_found_by_search_is_said_to_be_a_guess(unsure: Chat) -> None:
    reply = unsure.say("mau umroh, buku perjalanan luar negerinya bikin dimana")
    assert reply.startswith("Sepertinya Anda menanyakan hal ini:")
    assert all_topics()["paspor"].title in reply


def test_unknown_question_is_logged_and_can_be_forwarded(unsure: Chat) -> None:
    with transaction() as session:  # someone who can answer (else no offer: test_handoff_*)
        factories.staff(session=session, role="admin")
    reply = unsure.say("kapan pendaftaran cpns dibuka?")
    assert "belum bisa menjawab" in reply and "Teruskan ke petugas" in reply
    [question] = _questions()
    assert question.text == "kapan pendaftaran cpns dibuka?"
    assert (question.channel, question.user_key) == ("console", "budi")
    assert not question.forward_requested

    reply = unsure.say("Teruskan ke petugas")
    assert "sudah kami teruskan" in reply
    assert _questions()[0].forward_requested
    # Pressed twice: the same answer, still one question.
    assert "sudah kami teruskan" in unsure.say("/teruskan_pertanyaan")
    assert len(_questions()) == 1


def test_gibberish_gets_help_and_is_not_logged(unsure: Chat) -> None:
    reply = unsure.say("asdf qwer zxcv")
    assert "belum mengerti" in reply
    assert _questions() == []


def test_a_likely_complaint_is_asked_back_not_answered_with_info(unsure: Chat) -> None:
    reply = unsure.say("ktp sy ditahan petugas kelurahan dimintai uang")
    assert "Apakah salah satu dari ini?" in reply
    assert "Pungutan liar" in reply and "Bukan semuanya" in reply
    reply = unsure.say("Bukan semuanya")
    assert "belum bisa menjawab" in reply
    [question] = _questions()
    assert "dimintai uang" in question.text


def _taken_for_a_complaint(text: str) -> dict[str, Any]:
    """The classifier reads every message as a health complaint."""
    label = {"name": "lapor", "confidence": 0.9}
    return {"text": text, "intent": label, "full_retrieval_intent": "lapor/kesehatan",
            "confidence": 0.9, "entities": [],
            "intent_ranking": [{"name": "lapor/kesehatan", "confidence": 0.9}]}  # fmt: skip


def test_a_service_question_taken_for_a_complaint_is_answered(db: str) -> None:
    chat = Chat(DialogueEngine(parse=_taken_for_a_complaint))
    reply = chat.say("bpjs saya nunggak 6 bulan, ada dendanya gak?")
    assert _heading(reply) == f"{all_topics()['bpjs_kesehatan'].title}: Denda dan sanksi"
    assert "lokasi" not in reply.lower()  # no report opened: its next question is not asked


def test_a_complaint_naming_a_service_stays_a_complaint(db: str) -> None:
    chat = Chat(DialogueEngine(parse=_taken_for_a_complaint))
    reply = chat.say("di puskesmas bpjs saya ditolak terus, petugasnya minta uang")
    assert "BPJS Kesehatan (JKN)" not in reply and "lokasi" in reply.lower()  # the report
