"""Corrections inside the complaint form (issue 14, finding 3), on the console,
on SQLite and PostgreSQL: each part can be changed at the summary and the others
stay; "eh bukan, maksud saya ..." switches the category at any point; "tidak"
asks whether to cancel instead of discarding the report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.db import transaction
from tests.support.chat import Chat
from tickets.serialize import ticket_to_dict
from tickets.service import list_tickets

NUMBER = re.compile(r"LPG-\d{4}-\d{6}")
PIN = ("-5.3719", "105.2393")  # Gedong Meneng, Rajabasa
OTHER_PIN = ("-5.4000", "105.2600")  # Penengahan, Kedaton
SAMPAH = "sampah numpuk di pinggir jalan way halim udah seminggu gak diangkut"
JALAN = "jalan di depan sdn 2 rajabasa berlubang besar, sudah banyak motor jatuh"


def _tickets() -> list[dict]:
    with transaction() as session:
        return [ticket_to_dict(t) for t in list_tickets(session=session)]


def _to_summary(chat: Chat, text: str = SAMPAH, pin: tuple[str, str] = PIN) -> str:
    chat.say(text)
    chat.say(f"/lokasi {pin[0]} {pin[1]}")
    summary = chat.say("lewati")
    assert "Kirim laporan ini?" in summary
    return summary


def _send(chat: Chat) -> dict:
    reply = chat.say("ya")
    assert NUMBER.search(reply), reply
    (ticket,) = _tickets()
    return ticket


def test_the_summary_offers_every_change_as_a_button(chat: Chat) -> None:
    summary = _to_summary(chat)
    for title in ("Ya, kirim", "Kirim rahasia", "Ubah kategori", "Ubah uraian", "Ubah lokasi",
                  "Ubah foto", "Batal"):  # fmt: skip
        assert f"] {title}" in summary, title


def test_changing_the_category_keeps_the_rest(chat: Chat) -> None:
    _to_summary(chat)
    reply = chat.say("Ubah kategori")  # the button, typed by its label
    assert "Pilih kategorinya" in reply and "Lainnya" in reply
    reply = chat.say("Banjir / saluran air")
    assert "Kategori: Banjir / saluran air" in reply
    assert f"Uraian: {SAMPAH}" in reply and "Gedong Meneng" in reply and "Foto: 0" in reply
    ticket = _send(chat)
    assert (ticket["category"], ticket["description"]) == ("banjir_drainase", SAMPAH)
    assert ticket["latitude"] == pytest.approx(float(PIN[0]))


def test_changing_the_description_keeps_the_rest(chat: Chat) -> None:
    _to_summary(chat)
    reply = chat.say("uraiannya mau saya ganti")
    assert "Ceritakan singkat masalahnya" in reply
    reply = chat.say("sampah menggunung di depan pasar, bau sampai ke rumah warga")
    assert "Uraian: sampah menggunung di depan pasar" in reply
    assert "Kategori: Sampah" in reply and "Gedong Meneng" in reply
    ticket = _send(chat)
    assert ticket["description"] == "sampah menggunung di depan pasar, bau sampai ke rumah warga"
    assert ticket["category"] == "sampah" and ticket["region"] == "bandar_lampung"


def test_changing_the_location_keeps_the_rest(chat: Chat) -> None:
    _to_summary(chat)
    reply = chat.say("ganti lokasinya")
    assert "Kirim lokasi masalahnya" in reply
    reply = chat.say(f"/lokasi {OTHER_PIN[0]} {OTHER_PIN[1]}")
    assert "Penengahan" in reply and "Gedong Meneng" not in reply
    assert "Kategori: Sampah" in reply and f"Uraian: {SAMPAH}" in reply
    ticket = _send(chat)
    assert ticket["latitude"] == pytest.approx(float(OTHER_PIN[0]))
    assert (ticket["category"], ticket["description"]) == ("sampah", SAMPAH)


def test_changing_the_photo_keeps_the_rest(chat: Chat, make_image, tmp_path: Path) -> None:
    _to_summary(chat)
    reply = chat.say("fotonya salah")
    assert "Kirim foto masalahnya" in reply
    reply = chat.say(f"/foto {make_image(tmp_path / 'tumpukan.jpg', fmt='JPEG')}")
    assert "Foto: 1" in reply and "Kategori: Sampah" in reply and "Gedong Meneng" in reply
    ticket = _send(chat)
    assert ticket["photos"]["count"] == 1 and ticket["description"] == SAMPAH


def test_eh_bukan_switches_the_category_mid_form_and_keeps_the_description(chat: Chat) -> None:
    chat.say(JALAN)
    reply = chat.say("eh bukan, maksud saya lampu jalan")  # while the pin is asked
    assert "diganti menjadi Lampu jalan mati" in reply
    assert "Kirim lokasi masalahnya" in reply  # the form goes on where it was
    chat.say(f"/lokasi {PIN[0]} {PIN[1]}")
    reply = chat.say("lewati")
    assert "Kategori: Lampu jalan mati" in reply and f"Uraian: {JALAN}" in reply
    ticket = _send(chat)
    assert (ticket["category"], ticket["description"]) == ("penerangan_jalan", JALAN)


def test_salah_bukan_x_tapi_y_at_the_summary(chat: Chat) -> None:
    _to_summary(chat)
    reply = chat.say("salah, bukan sampah tapi banjir")
    assert "diganti menjadi Banjir / saluran air" in reply
    assert "Kategori: Banjir / saluran air" in reply and f"Uraian: {SAMPAH}" in reply
    assert _send(chat)["category"] == "banjir_drainase"


def test_no_at_the_summary_asks_then_changes_the_report(chat: Chat) -> None:
    _to_summary(chat)
    reply = chat.say("tidak")
    assert "Batalkan laporan ini?" in reply
    assert "[1] Ya, batalkan" in reply and "[2] Tidak, ubah laporan" in reply
    reply = chat.say("Tidak, ubah laporan")
    assert "Pilih bagian yang ingin diubah" in reply and "Kirim laporan ini?" in reply
    assert f"Uraian: {SAMPAH}" in reply  # nothing lost
    reply = chat.say("Ubah lokasi")
    assert "Kirim lokasi masalahnya" in reply
    chat.say(f"/lokasi {OTHER_PIN[0]} {OTHER_PIN[1]}")
    ticket = _send(chat)
    assert ticket["latitude"] == pytest.approx(float(OTHER_PIN[0]))


def test_no_then_yes_cancels_and_files_nothing(chat: Chat) -> None:
    _to_summary(chat)
    assert "Batalkan laporan ini?" in chat.say("nggak")
    assert "laporan dibatalkan" in chat.say("ya")
    assert _tickets() == []
    # The next report starts clean: its summary is a summary, not the cancel question.
    summary = _to_summary(chat, JALAN)
    assert "Kategori: Jalan rusak" in summary and "Batalkan" not in summary


def test_no_twice_keeps_the_report(chat: Chat) -> None:
    _to_summary(chat)
    chat.say("tidak")
    reply = chat.say("tidak")  # not cancelling after all
    assert "Kirim laporan ini?" in reply and _tickets() == []
    assert _send(chat)["description"] == SAMPAH


def test_a_new_location_is_checked_for_similar_reports_again(chat: Chat, engine) -> None:
    neighbour = Chat(engine, user="tetangga")
    _to_summary(neighbour, SAMPAH, OTHER_PIN)
    _send(neighbour)
    _to_summary(chat, "sampah berserakan di depan gang, sudah tiga hari", PIN)
    reply = chat.say("Ubah lokasi")
    reply = chat.say(f"/lokasi {OTHER_PIN[0]} {OTHER_PIN[1]}")
    assert "laporan serupa" in reply  # the neighbour's report is near the new pin


def test_a_new_category_is_checked_for_similar_reports_again(chat: Chat, engine) -> None:
    neighbour = Chat(engine, user="tetangga")
    _to_summary(neighbour, SAMPAH, PIN)
    _send(neighbour)
    _to_summary(chat, JALAN, PIN)  # no similar road report here
    reply = chat.say("eh bukan, maksudnya sampah")
    assert "diganti menjadi Sampah" in reply and "laporan serupa" in reply


def test_change_with_no_report_being_filled_in(chat: Chat) -> None:
    assert "Tidak ada laporan yang sedang diisi" in chat.say("ubah lokasi")


def test_the_cancel_button_cancels_at_once(chat: Chat) -> None:
    _to_summary(chat)
    assert "laporan dibatalkan" in chat.say("7")  # [7] Batal
    assert _tickets() == []


@pytest.mark.parametrize(
    ("answer", "filed"),
    [
        ("eh ga jadi batal, kirim aja min", True),
        ("kirim aja deh", True),
        ("iya batal kirim aja", False),
        ("ya batalkan", False),
    ],
)
def test_the_answer_to_the_cancel_question(chat: Chat, answer: str, filed: bool) -> None:
    """ "Batalkan laporan ini?": keeping it ("ga jadi batal", "kirim aja") sends the
    report; a "batal" in the answer cancels it."""
    chat.say("trotoar di depan pasar bolong besar, ada yang terperosok")
    chat.say("/lokasi -5.4148 105.2548")
    chat.say("lewati")
    assert "Batalkan laporan ini?" in chat.say("tidak")
    reply = chat.say(answer)
    assert ("sudah kami terima" in reply) is filed, reply
    assert ("dibatalkan" in reply) is not filed, reply


def test_a_correction_that_tells_more_keeps_its_words(chat: Chat) -> None:
    """ "eh bukan, maksudnya ..." with more than the category: the category changes
    and the words join the description; a bare "maksud saya lampu jalan" adds none."""
    chat.say("mau lapor lampu jalan mati di gang kami")
    chat.say("/lokasi -5.3866 105.2756")
    chat.say("lewati")
    reply = chat.say("eh bukan, maksudnya jalannya juga rusak parah bolong2")
    assert "Kategori: Jalan rusak" in reply
    assert "jalannya juga rusak parah bolong2" in reply
    reply = chat.say("eh bukan, maksud saya lampu jalan")
    assert "Kategori: Lampu jalan mati" in reply
    assert "maksud saya lampu jalan" not in reply
