"""Asking for a person, through the console channel (real NLU and rules), on SQLite and
PostgreSQL: from the request to the staff answer reaching the citizen through the outbox."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select

from bot.cli import main
from bot.outbox import OutboxWorker
from core.db import transaction
from dialogue.engine import DialogueEngine
from tests import factories
from tests.bot.test_outbox import FakeChannel
from tests.support.chat import Chat
from tickets.handoff import request_to_dict
from tickets.handoff_alerts import NEW_RESPONSE
from tickets.handoff_models import HandoffRequest
from tickets.models import Notification
from tickets.service import list_tickets

RAJABASA = ("-5.3719", "105.2393")
OPERATORS = "-1009"


def _staff_for_bandar_lampung() -> int:
    with transaction() as session:
        factories.staff_chat(session=session, region="bandar_lampung", chat_key=OPERATORS)
        return factories.staff(session=session, name="Rina", region="bandar_lampung").id


def _requests() -> list[dict[str, Any]]:
    with transaction() as session:
        rows = session.scalars(select(HandoffRequest).order_by(HandoffRequest.id))
        return [request_to_dict(r) for r in rows]


def _alerts() -> list[Notification]:
    with transaction() as session:
        rows = list(
            session.scalars(select(Notification).where(Notification.response == NEW_RESPONSE))
        )
        session.expunge_all()
        return rows


def _deliver_to_console(engine: DialogueEngine) -> list[str]:
    channel = FakeChannel()
    worker = OutboxWorker(channel="console", engine=engine, deliver=channel)
    asyncio.run(worker.deliver_due())
    return [message.text or "" for _, message in channel.delivered]


def test_from_the_request_to_the_staff_answer(chat: Chat, engine: DialogueEngine) -> None:
    operator = _staff_for_bandar_lampung()
    chat.say(f"/lokasi {RAJABASA[0]} {RAJABASA[1]}")  # a pin shared first: the region
    reply = chat.say("bisa ngobrol sama orang?")
    [request] = _requests()
    assert f"permintaan Anda (#{request['id']}) sudah kami teruskan ke petugas" in reply
    assert "Wilayah: Kota Bandar Lampung" in reply and "Jawaban petugas" in reply
    assert request["region"] == "bandar_lampung" and request["status"] == "open"
    [alert] = _alerts()
    assert (alert.channel, alert.user_key) == ("telegram", OPERATORS)

    # The citizen goes on with the bot; asking again adds to the same request.
    assert "Saya bisa membantu Anda" in chat.say("bantuan")
    assert f"(#{request['id']}) sudah kami teruskan" in chat.say("min tolong dibales orang beneran")
    [request] = _requests()
    assert [m["text"] for m in request["messages"]] == [
        "bisa ngobrol sama orang?", "min tolong dibales orang beneran",
    ]  # fmt: skip

    assert main(["handoff", "reply", str(request["id"]), "--as", str(operator),
                 "Baik Pak, ada yang bisa kami bantu?"]) == 0  # fmt: skip
    assert _deliver_to_console(engine) == [
        "Jawaban petugas: Baik Pak, ada yang bisa kami bantu?\n"
        f"(Permintaan #{request['id']}. Untuk membalas, tulis pesan Anda lalu ketik "
        '"bicara dengan petugas".)'
    ]
    # Writing back: the message and the request reach the staff again.
    chat.say("pdam di rumah saya mati sudah 3 hari")
    assert f"(#{request['id']}) sudah kami teruskan" in chat.say("bicara dengan petugas")
    [request] = _requests()
    assert request["status"] == "open"
    assert "pdam di rumah saya mati sudah 3 hari" in _alerts()[-1].variables["pesan"]


def test_asking_mid_report_opens_a_request_and_the_report_goes_on(chat: Chat) -> None:
    _staff_for_bandar_lampung()
    with transaction() as session:  # no region known yet: the province's admin hears of it
        factories.staff(session=session, role="admin", contacts=[("telegram", "77")])
    assert "lokasi" in chat.say("lampu jalan di depan rumah saya mati sudah seminggu").lower()
    reply = chat.say("mau bicara dengan petugas")
    assert "sudah kami teruskan ke petugas" in reply
    assert "Kirim lokasi masalahnya" in reply  # the form asks its question again
    chat.say(f"/lokasi {RAJABASA[0]} {RAJABASA[1]}")
    chat.say("lewati")
    assert "sudah kami terima dengan nomor" in chat.say("ya")
    with transaction() as session:
        [ticket] = list_tickets(session=session)
        assert ticket.category == "penerangan_jalan"
    [request] = _requests()
    texts = [m["text"] for m in request["messages"]]
    assert texts == ["lampu jalan di depan rumah saya mati sudah seminggu",
                     "mau bicara dengan petugas"]  # fmt: skip
    assert request["region"] is None  # no pin yet when asked, no earlier ticket
    # The filed ticket gives the region of a later request.
    chat.say("hubungkan ke admin")
    assert _requests()[0]["region"] == "bandar_lampung"


def test_no_one_to_answer_is_said_honestly(chat: Chat) -> None:
    with transaction() as session:  # staff who cannot take it: no contact, or an agency
        factories.staff(session=session, region="bandar_lampung", contacts=())
        factories.staff(session=session, role="agency", agency="dlh")
    reply = chat.say("mau bicara dengan petugas")
    assert "belum ada petugas yang bisa membalas" in reply
    assert "https://www.lapor.go.id/" in reply and "https://lampungprov.go.id/" in reply
    assert "akan dikirim" not in reply and "sudah kami teruskan" not in reply
    assert len(_requests()) == 1  # still recorded, nothing lost

    reply = chat.say("kapan pendaftaran cpns dibuka?")
    assert "belum bisa menjawab" in reply and "belum ada petugas" in reply
    assert "Teruskan ke petugas" not in reply  # no offer nobody could keep


def test_an_unanswered_question_is_forwarded_with_its_text(chat: Chat) -> None:
    _staff_for_bandar_lampung()
    with transaction() as session:  # an earlier report gives the region
        citizen = factories.citizen(session=session, channel="console", user_key="budi")
        factories.ticket(session=session, citizen=citizen, region="bandar_lampung", alert=False)
    reply = chat.say("kapan pendaftaran cpns dibuka?")
    assert "[1] Teruskan ke petugas" in reply
    reply = chat.say("1")
    [request] = _requests()
    assert f"pertanyaan Anda sudah kami teruskan ke petugas (permintaan #{request['id']})" in reply
    assert "Wilayah: Kota Bandar Lampung" in reply
    [message] = request["messages"]
    assert message["text"] == "kapan pendaftaran cpns dibuka?"
    assert _alerts()[0].variables["pesan"] == "kapan pendaftaran cpns dibuka?"


def test_the_greeting_and_help_offer_a_person(chat: Chat) -> None:
    with transaction() as session:  # no region known: the province's admin
        factories.staff(session=session, role="admin", contacts=[("telegram", "77")])
    greeting = chat.say("halo")
    assert "[3] Bicara dengan petugas" in greeting
    assert "sudah kami teruskan ke petugas" in chat.say("3")
    assert len(_requests()) == 1
    assert 'Bicara dengan petugas: ketik "bicara dengan petugas"' in chat.say("bantuan")
