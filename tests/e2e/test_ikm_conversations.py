"""The IKM survey in the chat (issue 18): offered after the rating, nine questions on
the 1-4 scale as buttons, typed answers, stopping, resuming with "survei", one
answer set per report, and a message in the middle that is not an answer."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.db import transaction
from core.timestamps import utcnow
from dialogue.messages import Button
from tests.support.chat import Chat
from tests.support.resolved import file_and_resolve
from tickets.ikm import elements
from tickets.ikm import report as ikm_report
from tickets.ikm_models import IkmAnswer
from tickets.models import Ticket
from tickets.service import get_ticket_by_number


def _answers(number: str) -> dict[str, int]:
    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=number)
        assert ticket is not None
        rows = session.execute(
            select(IkmAnswer.element, IkmAnswer.score).where(IkmAnswer.ticket_id == ticket.id)
        ).all()
    return {element: score for element, score in rows}


def _rate(chat: Chat, number: str) -> str:
    chat.say(f'/beri_nilai{{"nomor": "{number}", "nilai": 4}}')
    return chat.say("lewati")


def test_the_whole_survey_by_buttons_after_the_rating(chat: Chat) -> None:
    number = file_and_resolve(chat)
    offer = _rate(chat, number)
    assert "sudah kami sampaikan" in offer and "survei kepuasan" in offer
    first = chat.press("Isi survei")
    assert "Pertanyaan 1 dari 9" in first and "Persyaratan" in first
    titles = [b.title for b in chat.offered]
    assert titles[:4] == [f"{i} · {o}" for i, o in enumerate(elements()[0].options, 1)]
    assert titles[0] == "1 · Tidak sesuai"
    assert titles[-1] == "Berhenti dulu"
    assert all(len(b.payload.encode()) <= 64 for b in chat.offered)  # Telegram callback data
    scores = [4, 3, 3, 4, 3, 4, 4, 2, 3]
    reply = ""
    for i, score in enumerate(scores):
        reply = chat.press(f"{score} · ")
        if i < len(scores) - 1:
            assert f"Pertanyaan {i + 2} dari 9" in reply
    assert "sudah lengkap" in reply
    assert _answers(number) == {e.code: s for e, s in zip(elements(), scores, strict=True)}
    # The set counts for the agency's IKM.
    now = utcnow()
    with transaction() as session:
        [dlh] = ikm_report(session=session, start=now - timedelta(1), end=now + timedelta(1))
    assert dlh.agency == "dlh" and dlh.respondents == 1
    assert dlh.score is not None and round(dlh.score, 2) == round(sum(scores) / 9 * 25, 2)
    # One answer set per report: asking again says it is complete.
    assert "sudah Anda isi lengkap" in chat.say(f"survei {number}")


def test_typed_answers_stop_and_resume(chat: Chat) -> None:
    number = file_and_resolve(chat)
    _rate(chat, number)
    chat.press("Isi survei")
    assert "Pertanyaan 2 dari 9" in chat.say("3")  # the button's number, typed
    assert "Pertanyaan 3 dari 9" in chat.say("mudah")  # U2's option, typed
    assert "nilai 1 sampai 4" in chat.say("nilai 7")
    assert "belum kami kenali" in chat.say("hmm gimana ya")
    paused = chat.say("berhenti")
    assert "sudah kami simpan" in paused and "survei" in paused
    assert _answers(number) == {"U1": 3, "U2": 3}
    # Later, typing "survei" resumes at the third question.
    resumed = chat.say("survei")
    assert "Pertanyaan 3 dari 9" in resumed and "Waktu penyelesaian" in resumed
    assert "Pertanyaan 4 dari 9" in chat.say("sangat cepat")
    assert "Pertanyaan 5 dari 9" in chat.say("⭐⭐")
    assert (_answers(number)["U3"], _answers(number)["U4"]) == (4, 2)


def _first_question(chat: Chat) -> tuple[str, list[Button]]:
    """A resolved report rated, the survey taken: its number and U1's buttons."""
    number = file_and_resolve(chat)
    _rate(chat, number)
    chat.press("Isi survei")
    return number, list(chat.offered)


def test_a_button_pressed_twice_keeps_the_first_answer(chat: Chat) -> None:
    number, first_buttons = _first_question(chat)
    chat.press("2 · ")
    # The same question's "4" pressed afterwards (an old message): the 2 stays.
    again = chat.send(chat.inbound(button_payload=first_buttons[3].payload))
    text = chat.render(again)
    assert "sudah tercatat" in text and "Pertanyaan 2 dari 9" in text
    assert _answers(number) == {"U1": 2}


def test_a_complaint_in_the_middle_pauses_the_survey_and_is_filed(chat: Chat) -> None:
    number, _ = _first_question(chat)
    chat.say("4")
    reply = chat.say("lampu jalan di depan gang mati sudah tiga malam")
    assert "sudah kami simpan" in reply  # the survey waits
    assert "Pertanyaan" not in reply
    # ...and the new complaint goes on as a report (the form asks where it is).
    assert "lokasi" in reply.casefold()
    assert _answers(number) == {"U1": 4}


def test_an_answer_button_pressed_after_stopping_is_recorded_and_continues(chat: Chat) -> None:
    number, buttons = _first_question(chat)
    chat.say("berhenti")
    reply = chat.send(chat.inbound(button_payload=buttons[2].payload))  # "3" of U1
    assert "Pertanyaan 2 dari 9" in chat.render(reply)
    assert _answers(number) == {"U1": 3}


def test_no_survey_for_others_or_unresolved_or_expired_reports(chat: Chat) -> None:
    assert "tidak ada survei" in chat.say("survei")
    number = file_and_resolve(chat)
    stranger = Chat(chat.engine, user="orang_lain")
    assert "tidak ditemukan" in stranger.say(f'/survei{{"nomor": "{number}"}}')
    forged = f'/survei{{"nomor": "{number}", "unsur": "U1", "skor": 1}}'
    assert "tidak ditemukan" in stranger.say(forged)
    assert _answers(number) == {}
    with transaction() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        ticket.resolved_at = utcnow() - timedelta(days=31)
    assert "sudah ditutup" in chat.say(f'/survei{{"nomor": "{number}"}}')
    assert "tidak ada survei" in chat.say("survei")


def test_a_status_question_about_another_report_in_the_middle_is_answered(chat: Chat) -> None:
    other = file_and_resolve(chat, "lampu jalan mati di depan masjid sudah seminggu")
    number, _ = _first_question(chat)
    reply = chat.say(f"cek {other}")
    assert "sudah kami simpan" in reply and f"{other} · " in reply
    assert "Pertanyaan 1 dari 9" in chat.say("survei")  # the latest report's survey
    assert _answers(number) == {}
