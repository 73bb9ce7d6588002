"""Whole conversations through the console channel, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from channels.console import run_console
from core.db import transaction
from core.settings import ROOT_DIR
from dialogue.engine import DialogueEngine
from tests.support.chat import Chat
from tests.support.images import png_bomb
from tickets.models import Notification
from tickets.serialize import ticket_to_dict
from tickets.service import get_ticket_by_number, list_tickets

NUMBER = re.compile(r"LPG-\d{4}-\d{6}")
RAJABASA = ("-5.3719", "105.2393")
JAKARTA = ("-6.2088", "106.8456")
COMPLAINT = "jalan di depan sdn 2 rajabasa berlubang besar, sudah banyak motor jatuh"


def _tickets() -> list[dict]:
    with transaction() as session:
        return [ticket_to_dict(t) for t in list_tickets(session=session)]


def test_happy_path_with_location_and_photo(chat: Chat, make_image, tmp_path: Path) -> None:
    photo = make_image(tmp_path / "lubang.jpg", fmt="JPEG")

    reply = chat.say(COMPLAINT)
    assert "lokasi" in reply.lower()
    assert "/lokasi" in reply  # the console shows how to share a pin

    reply = chat.say(f"/lokasi {RAJABASA[0]} {RAJABASA[1]}")
    assert "foto" in reply.lower()

    reply = chat.say(f"/foto {photo}")
    assert "Jalan rusak" in reply
    assert "Foto: 1" in reply
    assert "Kirim laporan ini?" in reply

    reply = chat.say("ya")
    number = NUMBER.search(reply)
    assert number, reply
    assert "sudah kami terima" in reply

    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=number.group())
        assert ticket is not None
        data = ticket_to_dict(ticket)
    assert data["category"] == "jalan_rusak"
    assert data["status"] == "new"
    assert data["latitude"] == pytest.approx(float(RAJABASA[0]))
    assert data["longitude"] == pytest.approx(float(RAJABASA[1]))
    assert data["description"] == COMPLAINT
    assert data["region"] == "bandar_lampung"  # from the pin
    assert data["photos"]["count"] == 1
    assert [e["kind"] for e in data["events"]] == ["created"]
    assert data["confidential"] is False
    stored = Path(os.environ["MEDIA_DIR"]) / data["photos"]["items"][0]["storage_path"]
    # Re-encoded on intake (no metadata): the same picture, not the same bytes.
    with Image.open(stored) as image, Image.open(photo) as sent:
        assert (image.format, image.size) == (sent.format, sent.size)
        assert not image.getexif()


def test_skip_photo_and_press_buttons_by_number(chat: Chat) -> None:
    chat.say("sampah numpuk di pinggir jalan way halim udah seminggu gak diangkut")
    chat.say(f"/lokasi {RAJABASA[0]} {RAJABASA[1]}")
    reply = chat.say("lewati")
    assert "Foto: 0" in reply
    assert "[1] Ya, kirim" in reply
    reply = chat.say("1")  # the first button
    assert NUMBER.search(reply), reply
    (ticket,) = _tickets()
    assert ticket["category"] == "sampah"
    assert ticket["photos"]["count"] == 0


def test_general_complaint_asks_category_then_description(chat: Chat) -> None:
    reply = chat.say("saya mau lapor")
    assert "kategori" in reply.lower()
    assert "Lampu jalan mati" in reply
    reply = chat.say("Lampu jalan mati")  # a button, typed by its label
    assert "ceritakan" in reply.lower()
    reply = chat.say("mati")
    assert "lebih rinci" in reply  # too short to act on
    reply = chat.say("lampu jalan di jl. teuku umar mati semua sejak kemarin malam")
    assert "lokasi" in reply.lower()
    chat.say(f"/lokasi {RAJABASA[0]} {RAJABASA[1]}")
    chat.say("lewati")
    assert NUMBER.search(chat.say("ya"))
    (ticket,) = _tickets()
    assert ticket["category"] == "penerangan_jalan"
    assert ticket["description"].startswith("lampu jalan di jl. teuku umar")


def test_complaint_typed_at_the_category_question_is_the_description(chat: Chat) -> None:
    chat.say("mau lapor min")
    reply = chat.say("sampahe ora diangkut wis seminggu neng pasar tugu")
    assert "lokasi" in reply.lower()  # category and description both taken
    chat.say(f"/lokasi {RAJABASA[0]} {RAJABASA[1]}")
    assert "Uraian: sampahe ora diangkut" in chat.say("lewati")


def test_pungli_report_is_confidential(chat: Chat) -> None:
    chat.say("ada pungli waktu bikin ktp di kecamatan, dimintai 100rb sama petugas")
    chat.say(f"/lokasi {RAJABASA[0]} {RAJABASA[1]}")
    reply = chat.say("lewati")
    assert "rahasia" in reply
    chat.say("ya")
    (ticket,) = _tickets()
    assert ticket["category"] == "pungli"
    assert ticket["confidential"] is True


def test_cancel_midway_files_nothing(chat: Chat) -> None:
    chat.say(COMPLAINT)
    reply = chat.say("batal")
    assert "dibatalkan" in reply
    assert _tickets() == []
    # The form is gone: a pin now is not part of any report.
    reply = chat.say(f"/lokasi {RAJABASA[0]} {RAJABASA[1]}")
    assert "foto" not in reply.lower()
    assert chat.say("/batal").startswith("Tidak ada laporan")


def test_saying_no_at_the_summary_files_nothing(chat: Chat) -> None:
    chat.say(COMPLAINT)
    chat.say(f"/lokasi {RAJABASA[0]} {RAJABASA[1]}")
    chat.say("lewati")
    reply = chat.say("tidak")
    assert "tidak dikirim" in reply
    assert _tickets() == []


def test_location_outside_lampung_and_invalid_are_asked_again(chat: Chat) -> None:
    chat.say(COMPLAINT)
    reply = chat.say(f"/lokasi {JAKARTA[0]} {JAKARTA[1]}")
    assert "Jakarta, di luar Lampung" in reply
    assert "Kirim lokasi" in reply  # the question again
    reply = chat.say("/lokasi 95 200")
    assert "tidak valid" in reply
    assert "Kirim lokasi" in reply
    reply = chat.say("/lokasi utara selatan")
    assert "Format lokasi salah" in reply
    reply = chat.say(f"/lokasi {RAJABASA[0]} {RAJABASA[1]}")
    assert "foto" in reply.lower()


def test_nan_and_infinite_locations_are_refused_with_a_message(chat: Chat) -> None:
    """A NaN pin once gave 150 s of silence (the JSON columns refused it on PostgreSQL)."""
    chat.say(COMPLAINT)
    for typed in ("nan nan", "-5.37 inf", "1e400 105.2", "-inf -nan"):
        reply = chat.say(f"/lokasi {typed}")
        assert "tidak valid" in reply and "Kirim lokasi" in reply
    reply = chat.say(f"/lokasi {RAJABASA[0]} {RAJABASA[1]}")
    assert "foto" in reply.lower()


def test_missing_and_non_image_files_are_asked_again(chat: Chat, tmp_path: Path) -> None:
    chat.say(COMPLAINT)
    chat.say(f"/lokasi {RAJABASA[0]} {RAJABASA[1]}")
    reply = chat.say(f"/foto {tmp_path / 'tidak-ada.jpg'}")
    assert "tidak ditemukan" in reply
    assert "lewati" in reply  # the question again
    fake = tmp_path / "bukan-foto.jpg"
    fake.write_text("ini bukan gambar", encoding="utf-8")
    reply = chat.say(f"/foto {fake}")
    assert "bukan foto" in reply
    reply = chat.say(f"/foto {png_bomb(tmp_path / 'raksasa.png')}")  # 40000x40000 px
    assert "Resolusi foto terlalu besar (maksimal 40 megapiksel)" in reply
    assert "MB" not in reply
    reply = chat.say("lewati")
    assert "Kirim laporan ini?" in reply


def test_status_lists_only_own_tickets(engine: DialogueEngine) -> None:
    budi, siti = Chat(engine, "budi"), Chat(engine, "siti")
    assert "belum punya laporan" in budi.say("status")
    budi.say(COMPLAINT)
    budi.say(f"/lokasi {RAJABASA[0]} {RAJABASA[1]}")
    budi.say("lewati")
    found = NUMBER.search(budi.say("ya"))
    assert found is not None
    number = found.group()

    reply = budi.say("status")
    assert number in reply
    assert "Menunggu verifikasi operator" in reply
    reply = budi.say(f"cek {number}")
    assert number in reply and "Jalan rusak" in reply
    reply = budi.say(f"cek {number.lower()}")
    assert "Status:" in reply

    # Someone else's number is not revealed.
    reply = siti.say(f"cek {number}")
    assert "tidak ditemukan" in reply
    assert "Status:" not in reply


def test_help_and_emergency_inside_the_form_keep_the_report(chat: Chat) -> None:
    chat.say(COMPLAINT)
    reply = chat.say("bantuan")
    assert "cek LPG-" in reply
    assert "Kirim lokasi" in reply  # still asking for the pin
    reply = chat.say("tolong ada kebakaran di pasar tengah!!")
    assert "112" in reply
    reply = chat.say(f"/lokasi {RAJABASA[0]} {RAJABASA[1]}")
    assert "foto" in reply.lower()


@pytest.mark.parametrize(
    "message",
    [
        "tolong ada yg kecelakaan motor di jln soekarno hatta, jalannya licin",
        "ada kecelakaan di jalan berlubang depan sdn 2 rajabasa, korbannya tergeletak",
        "KEBAKARAN di pasar bawah!!!",
    ],
)
def test_an_emergency_happening_now_points_to_112(chat: Chat, message: str) -> None:
    # Read as an emergency or as a complaint, the citizen is told to call 112
    # ("sering kecelakaan", a habit, is not: tests/e2e/test_emergency_conversations.py).
    assert "112" in chat.say(message)


def test_button_pressed_twice_does_not_file_twice(chat: Chat) -> None:
    chat.say(COMPLAINT)
    chat.say(f"/lokasi {RAJABASA[0]} {RAJABASA[1]}")
    chat.say("lewati")
    assert NUMBER.search(chat.say("ya"))
    reply = chat.say("/affirm")  # the stale "Ya, kirim" button again
    assert "tidak ada laporan yang menunggu konfirmasi" in reply.lower()
    assert len(_tickets()) == 1


def test_unknown_and_huge_messages_get_a_clear_reply(chat: Chat) -> None:
    assert "belum mengerti" in chat.say("asdfgh qwerty zxcv")
    reply = chat.say("a" * 100_000)
    assert reply.strip()


def test_piped_stdin_until_eof(engine: DialogueEngine) -> None:
    stdin = io.StringIO(f"{COMPLAINT}\n/lokasi {RAJABASA[0]} {RAJABASA[1]}\nlewati\nya\n")
    stdout = io.StringIO()
    run_console(engine=engine, user_key="pipa", stdin=stdin, stdout=stdout)
    output = stdout.getvalue()
    assert NUMBER.search(output), output
    assert output.count("Anda: ") == 4


def _run_cli(args: list[str], stdin: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT_DIR,
        env=env,
        timeout=120,
        check=False,
    )


def test_restart_mid_conversation_resumes_and_cli_shows_ticket(
    db: str, nlu_model_dir: Path, make_image, tmp_path: Path
) -> None:
    env = {**os.environ, "NLU_MODEL_DIR": str(nlu_model_dir)}
    photo = make_image(tmp_path / "jalan.png")

    first = _run_cli(["chat", "--user", "andi"], f"{COMPLAINT}\n", env)
    assert first.returncode == 0, first.stderr
    assert "lokasi" in first.stdout.lower()

    # A new process: the conversation continues from the database.
    second = _run_cli(
        ["chat", "--user", "andi"],
        f"/lokasi {RAJABASA[0]} {RAJABASA[1]}\n/foto {photo}\nya\n",
        env,
    )
    assert second.returncode == 0, second.stderr
    number = NUMBER.search(second.stdout)
    assert number, second.stdout

    shown = _run_cli(["tickets", "show", number.group(), "--json"], "", env)
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["category"] == "jalan_rusak"
    assert data["latitude"] == pytest.approx(float(RAJABASA[0]))
    assert data["photos"]["count"] == 1
    assert data["events"][0]["kind"] == "created"

    listed = json.loads(_run_cli(["tickets", "list", "--json"], "", env).stdout)
    assert [t["number"] for t in listed] == [number.group()]

    # An operator moves it on; the citizen's chat gets a notification in the outbox.
    moved = _run_cli(
        ["tickets", "set-status", number.group(), "forwarded", "--note", "ke DLH"], "", env
    )
    assert moved.returncode == 0, moved.stderr
    again = _run_cli(["tickets", "set-status", number.group(), "forwarded"], "", env)
    assert again.returncode == 1 and "already" in again.stderr
    data = json.loads(_run_cli(["tickets", "show", number.group(), "--json"], "", env).stdout)
    assert data["status"] == "forwarded"
    assert data["events"][-1]["note"] == "ke DLH"
    with transaction() as session:
        [notice] = session.scalars(select(Notification)).all()
        assert (notice.channel, notice.user_key, notice.status) == ("console", "andi", "pending")


def test_any_report_can_be_sent_confidentially(chat: Chat) -> None:
    chat.say(COMPLAINT)
    chat.say(f"/lokasi {RAJABASA[0]} {RAJABASA[1]}")
    summary = chat.say("lewati")
    assert "[2] Kirim rahasia" in summary
    assert "sudah kami terima" in chat.say("2")
    [ticket] = _tickets()
    assert ticket["category"] == "jalan_rusak" and ticket["confidential"] is True
    # The next report is not confidential unless chosen again.
    chat.say(COMPLAINT)
    chat.say(f"/lokasi {RAJABASA[0]} {RAJABASA[1]}")
    chat.say("lewati")
    chat.say("ya")
    assert [t["confidential"] for t in _tickets()] == [False, True]  # newest first
