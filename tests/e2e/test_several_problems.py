"""One message, several problems (issue 14, finding 11), on the console, on SQLite
and PostgreSQL: the first is filed, the others are offered with the same location."""

from __future__ import annotations

import re

import pytest

from core.db import transaction
from tests.support.chat import Chat
from tickets.serialize import ticket_to_dict
from tickets.service import list_tickets

NUMBER = re.compile(r"LPG-\d{4}-\d{6}")
PIN = ("-5.3719", "105.2393")
THREE = "jalan rusak, lampu mati, sampah numpuk"


def _tickets() -> list[dict]:
    with transaction() as session:
        return sorted((ticket_to_dict(t) for t in list_tickets(session=session)),
                      key=lambda t: t["number"])  # fmt: skip


def test_the_first_is_filed_and_the_others_offered_with_the_same_location(chat: Chat) -> None:
    chat.say(THREE)
    chat.say(f"/lokasi {PIN[0]} {PIN[1]}")
    summary = chat.say("lewati")
    assert "Kategori: Jalan rusak" in summary and f"Uraian: {THREE}" in summary
    reply = chat.say("ya")
    assert NUMBER.search(reply)
    assert "Anda juga menyebut: lampu mati, sampah numpuk." in reply
    assert "[1] Lampu jalan mati  [2] Sampah" in reply

    reply = chat.say("Lampu jalan mati")
    assert "laporan baru: Lampu jalan mati, dengan lokasi yang sama" in reply
    assert "Kirim foto" in reply  # category, description and location are known
    summary = chat.say("lewati")
    assert "Kategori: Lampu jalan mati" in summary and "Gedong Meneng" in summary
    reply = chat.say("ya")
    assert NUMBER.search(reply)
    assert "Anda juga menyebut: sampah numpuk." in reply  # the one left

    first, second = _tickets()
    assert (first["category"], second["category"]) == ("jalan_rusak", "penerangan_jalan")
    assert first["description"] == THREE
    assert second["description"] == "lampu mati"
    assert second["latitude"] == pytest.approx(first["latitude"])
    assert second["longitude"] == pytest.approx(first["longitude"])
    assert second["region"] == first["region"] == "bandar_lampung"


def test_a_short_clause_takes_the_whole_message_as_its_description(chat: Chat) -> None:
    text = "sampah ga diangkut seminggu, banjir"
    chat.say(text)
    chat.say(f"/lokasi {PIN[0]} {PIN[1]}")
    chat.say("lewati")
    assert "Anda juga menyebut: banjir." in chat.say("ya")
    chat.say("1")
    chat.say("lewati")
    chat.say("ya")
    _, second = _tickets()
    assert (second["category"], second["description"]) == ("banjir_drainase", text)


def test_one_problem_described_in_clauses_is_one_report(chat: Chat) -> None:
    text = "sampah numpuk di pinggir jalan, baunya menyengat, lalat banyak"
    chat.say(text)
    chat.say(f"/lokasi {PIN[0]} {PIN[1]}")
    chat.say("lewati")
    reply = chat.say("ya")
    assert NUMBER.search(reply) and "Anda juga menyebut" not in reply


def test_a_new_report_drops_the_old_offer(chat: Chat) -> None:
    chat.say(THREE)
    chat.say(f"/lokasi {PIN[0]} {PIN[1]}")
    chat.say("lewati")
    chat.say("ya")
    chat.say("air pdam mati udah 3 hari di perumahan kami")
    chat.say("batal")
    reply = chat.say('/lapor_lain{"kategori": "sampah"}')  # the old button
    assert "sudah tidak bisa dibuat" in reply
    assert len(_tickets()) == 1
