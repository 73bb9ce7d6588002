"""No pin, no report no more: a location typed on the console (issue 14, finding 1).

The place named is offered as buttons ("Maksud Anda ..."), an unknown address gets
the kabupaten/kota buttons and is kept as typed, "ga bisa kirim lokasi" gets the
typing guidance, and a pin sent later wins. The ticket records how its location
was obtained; staff read "lokasi perkiraan"; duplicates are checked on pins only.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.cli import main
from core.db import transaction
from dialogue.engine import DialogueEngine
from dialogue.responses import render_response
from knowledge.geo.gazetteer import default_gazetteer
from tests import factories
from tests.support.chat import Chat
from tickets.models import Notification, Ticket
from tickets.staff_alerts import OPERATOR_RESPONSE

NUMBER = re.compile(r"LPG-\d{4}-\d{6}")
JALAN = "jalan depan rumah saya berlubang besar, motor sering jatuh"
SAMPAH = "sampah numpuk di pinggir jalan sudah seminggu tidak diangkut"
RAJABASA_PIN = "/lokasi -5.3719 105.2393"


def _finish(chat: Chat, *, after: str = "lewati") -> tuple[str, str]:
    """Skip the photo, send; (the summary, the ticket number)."""
    summary = chat.say(after)
    number = NUMBER.search(chat.say("ya"))
    assert number, summary
    return summary, number.group()


def _ticket(number: str) -> Ticket:
    with transaction() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        session.expunge(ticket)
        return ticket


def test_a_typed_place_is_offered_as_a_button_and_filed_as_approximate(
    engine: DialogueEngine,
) -> None:
    with transaction() as session:
        operators = factories.staff_chat(session=session, region="bandar_lampung").chat_key
    chat = Chat(engine, "rani")
    asked = chat.say(JALAN)
    assert "Ketik saja nama jalan" in asked  # the pin prompt says typing works too
    offer = chat.say("kel rajabasa raya")
    assert "Maksud Anda: Kel. Rajabasa Raya, Kec. Rajabasa, Kota Bandar Lampung?" in offer
    assert "[1] Ya, betul  [2] Bukan" in offer
    noted = chat.say("1")
    assert "Kel. Rajabasa Raya" in noted and "perkiraan" in noted
    summary, number = _finish(chat)
    assert "Lokasi: Kel. Rajabasa Raya, Kec. Rajabasa, Kota Bandar Lampung (perkiraan" in summary
    assert "Wilayah:" not in summary and "-5.35" not in summary  # no raw coordinates
    ticket = _ticket(number)
    village = default_gazetteer().place("v:1871101008")
    assert village is not None
    assert (ticket.location_source, ticket.region_code) == ("place", "bandar_lampung")
    assert (ticket.latitude, ticket.longitude) == (village.lat, village.lon)
    assert ticket.place_name == "Kel. Rajabasa Raya, Kec. Rajabasa, Kota Bandar Lampung"
    assert ticket.address_text == "kel rajabasa raya"
    assert ticket.description == JALAN  # the place did not go into the description
    # The region's operators are alerted (routing by the chosen place's region), and
    # read that the location is approximate; the map pin says so too.
    with transaction() as session:
        alert = session.scalars(
            select(Notification).where(Notification.user_key == operators)
        ).one()
        text = render_response(engine.domain, OPERATOR_RESPONSE, alert.variables).text or ""
        assert "Lokasi perkiraan: Kel. Rajabasa Raya" in text and "bukan pin" in text
        assert "Alamat dari warga: kel rajabasa raya" in text
        assert alert.venue_title == f"{number} · lokasi perkiraan"
        assert alert.venue_latitude == village.lat


def test_no_pin_then_an_unknown_address_picks_the_kabupaten_and_keeps_the_text(
    engine: DialogueEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    with transaction() as session:
        operators = factories.staff_chat(session=session, region="pesawaran").chat_key
    chat = Chat(engine, "sari")
    chat.say(SAMPAH)
    guide = chat.say("saya ga bisa kirim lokasi, hp saya jadul")
    assert "Ketik saja alamat lokasinya" in guide
    address = "di belakang rumah pak RT, gang buntu dekat pos ronda"
    regions = chat.say(address)
    assert "Di kabupaten/kota mana lokasinya?" in regions and f'"{address}"' in regions
    assert "[1] Kota Bandar Lampung" in regions and "[10] Kab/kota lainnya" in regions
    more = chat.say("Kab/kota lainnya")
    assert "[2] Kab. Pesawaran" in more and "[7] Sebelumnya" in more
    noted = chat.say("Kab. Pesawaran")
    assert "Kabupaten Pesawaran (perkiraan, alamat diketik)" in noted
    summary, number = _finish(chat)
    assert f'Lokasi: "{address}", Kabupaten Pesawaran (perkiraan' in summary
    ticket = _ticket(number)
    region = default_gazetteer().region_place("pesawaran")
    assert region is not None
    assert (ticket.location_source, ticket.region_code, ticket.address_text) == (
        "address", "pesawaran", address,
    )  # fmt: skip
    assert (ticket.latitude, ticket.longitude) == (region.lat, region.lon)
    assert ticket.description == SAMPAH  # the address is not more description
    with transaction() as session:
        alert = session.scalars(
            select(Notification).where(Notification.user_key == operators)
        ).one()
        text = render_response(engine.domain, OPERATOR_RESPONSE, alert.variables).text or ""
        assert "Lokasi perkiraan: Kabupaten Pesawaran (hanya kabupaten/kota" in text
        assert alert.venue_latitude is None  # a kabupaten's centroid would mislead
    assert main(["tickets", "show", number]) == 0
    shown = capsys.readouterr().out
    assert "location_source: address" in shown and "lokasi perkiraan: Kabupaten Pesawaran" in shown
    assert f"address_text: {address}" in shown


def test_an_ambiguous_name_then_none_of_them_narrows_within_the_kabupaten(
    engine: DialogueEngine,
) -> None:
    chat = Chat(engine, "dodi")
    chat.say(SAMPAH)
    offer = chat.say("sidodadi")
    assert offer.count("Sidodadi") + offer.count("Sido Dadi") >= 6  # three places, listed twice
    assert "Bukan, pilih kab/kota" in offer
    chat.say("Bukan, pilih kab/kota")
    chat.say("Kab/kota lainnya")
    narrowed = chat.say("Kab. Pesawaran")  # two Sidodadi there
    assert "Desa Sidodadi, Kec. Way Lima, Kabupaten Pesawaran" in narrowed
    assert "Desa Sidodadi, Kec. Teluk Pandan, Kabupaten Pesawaran" in narrowed
    chat.say("Sidodadi, Teluk Pandan")
    _, number = _finish(chat)
    ticket = _ticket(number)
    assert (ticket.location_source, ticket.region_code) == ("place", "pesawaran")
    assert ticket.place_name == "Desa Sidodadi, Kec. Teluk Pandan, Kabupaten Pesawaran"


def test_the_kabupaten_may_be_typed_and_a_typo_is_understood(engine: DialogueEngine) -> None:
    chat = Chat(engine, "eka")
    chat.say(JALAN)
    chat.say("jl. ZA Pagar Alam depan Unila")  # no such place: the kabupaten/kota list
    noted = chat.say("bandar lampung")
    assert '"jl. ZA Pagar Alam depan Unila", Kota Bandar Lampung' in noted
    _, number = _finish(chat)
    assert _ticket(number).location_source == "address"
    typo = Chat(engine, "fajar")
    typo.say(JALAN)
    offer = typo.say("sukarme")
    assert "1. Kel. Sukarame, Kec. Sukarame, Kota Bandar Lampung" in offer


def test_a_pin_sent_after_typed_text_wins(engine: DialogueEngine) -> None:
    chat = Chat(engine, "gita")
    chat.say(JALAN)
    chat.say("sukarme")  # places offered ...
    after_pin = chat.say(RAJABASA_PIN)  # ... but a pin comes instead
    assert "foto" in after_pin.lower()
    summary, number = _finish(chat)
    assert "Lokasi: -5.37190, 105.23930" in summary
    ticket = _ticket(number)
    assert (ticket.location_source, ticket.latitude) == ("pin", -5.3719)
    assert ticket.address_text == "sukarme"  # what was typed is kept for the operator
    # A pin at the photo question replaces a typed location too.
    later = Chat(engine, "hadi")
    later.say(JALAN)
    later.say("kel rajabasa raya")
    later.say("1")
    later.say(RAJABASA_PIN)
    _, number = _finish(later)
    assert _ticket(number).location_source == "pin"


def test_the_duplicate_question_uses_real_pins_only(engine: DialogueEngine) -> None:
    # An approximate ticket at Rajabasa Raya's centroid ...
    village = default_gazetteer().place("v:1871101008")
    assert village is not None
    first = Chat(engine, "ina")
    first.say(SAMPAH)
    first.say("kel rajabasa raya")
    first.say("1")
    _finish(first)
    # ... is never offered as "laporan serupa" for a pin right on that centroid,
    pinned = Chat(engine, "joko")
    pinned.say(SAMPAH)
    reply = pinned.say(f"/lokasi {village.lat} {village.lon}")
    assert "laporan serupa" not in reply and "foto" in reply.lower()
    _finish(pinned)
    # ... and a typed location skips the question even next to that pinned report.
    typed = Chat(engine, "kiki")
    typed.say(SAMPAH)
    typed.say("kel rajabasa raya")
    noted = typed.say("1")
    assert "laporan serupa" not in noted and "foto" in noted.lower()
    _finish(typed)
