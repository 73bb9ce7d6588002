"""A citizen's chat meets the staff workspace: the handoff inbox shows the request
with the conversation's last messages, the answer typed there reaches the chat;
a report filed in chat appears in the queue, and a message written on its page
reaches the reporter."""

from __future__ import annotations

import asyncio
import re

from sqlalchemy import select

from bot.outbox import OutboxWorker
from core.db import transaction
from dialogue.engine import DialogueEngine
from tests.bot.test_outbox import FakeChannel
from tests.support.chat import Chat
from tests.support.workspace_client import PASSWORD, Account, logged_in, post_form
from tickets.accounts import Profile, add_user
from tickets.handoff_models import HandoffRequest

RAJABASA = ("-5.3719", "105.2393")


def _operator() -> Account:
    with transaction() as session:
        user = add_user(
            session=session,
            profile=Profile(
                name="Rina",
                role="operator",
                email="rina@lampungprov.go.id",
                region_code="bandar_lampung",
            ),
            password=PASSWORD,
        )
        return Account(user.id, user.email or "")


def _deliver_to_console(engine: DialogueEngine) -> list[str]:
    channel = FakeChannel()
    asyncio.run(OutboxWorker(channel="console", engine=engine, deliver=channel).deliver_due())
    return [message.text or "" for _, message in channel.delivered]


def test_a_question_forwarded_by_the_bot_is_answered_in_the_inbox(
    chat: Chat, engine: DialogueEngine
) -> None:
    browser = logged_in(_operator())
    chat.say(f"/lokasi {RAJABASA[0]} {RAJABASA[1]}")
    chat.say("bpjs saya nonaktif kenapa ya")
    chat.say("bisa ngobrol sama orang?")
    with transaction() as session:
        request_id = session.scalars(select(HandoffRequest.id)).one()
    inbox = browser.get("/petugas/percakapan").text
    assert f"Permintaan #{request_id}" in inbox and "bpjs saya nonaktif kenapa ya" in inbox
    page = f"/petugas/percakapan/{request_id}"
    detail = browser.get(page).text
    # The conversation before the request, as the citizen had it with the bot.
    assert "bpjs saya nonaktif kenapa ya" in detail
    assert re.search(r'class="out".*BPJS', detail, re.DOTALL)
    answer = post_form(
        browser, page, f"{page}/jawab", {"text": "Silakan cek status di aplikasi Mobile JKN, Pak."}
    )
    assert answer.status_code == 303
    delivered = _deliver_to_console(engine)
    assert any(
        "Jawaban petugas: Silakan cek status di aplikasi Mobile JKN, Pak." in d for d in delivered
    )
    assert "Sudah dijawab" in browser.get(page).text


def test_a_report_filed_in_chat_is_in_the_queue_and_a_staff_message_reaches_the_reporter(
    chat: Chat, engine: DialogueEngine
) -> None:
    browser = logged_in(_operator())
    chat.say("lampu jalan di depan rumah mati min udah seminggu")
    reply = chat.say(f"/lokasi {RAJABASA[0]} {RAJABASA[1]}")
    if "Kirim laporan ini?" not in reply:
        reply = chat.say("lewati")  # no photo
    assert "Kirim laporan ini?" in reply
    reply = chat.say("ya")
    number = re.search(r"LPG-\d{4}-\d{6}", reply)
    assert number, reply
    queue = browser.get("/petugas/").text
    assert number.group(0) in queue and "lampu jalan di depan rumah mati" in queue
    page = f"/petugas/tiket/{number.group(0)}"
    sent = post_form(browser, page, f"{page}/pesan", {"message": "Tiang lampu nomor berapa, Pak?"})
    assert sent.status_code == 303
    delivered = _deliver_to_console(engine)
    assert any("Tiang lampu nomor berapa, Pak?" in d for d in delivered), delivered
