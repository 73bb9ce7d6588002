"""After filing (issue 14, finding 7), on the console: following a ticket with
`status` / `cek`, typed ratings and "belum beres", adding to a ticket, withdrawing
one, and supporters and merged reporters following the ticket they were pointed to."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core.db import transaction
from core.timestamps import utcnow
from tests import factories
from tests.conftest import MakeImage
from tests.support.chat import Chat
from tickets.duplicates import add_supporter
from tickets.escalation import sweep
from tickets.media import store_photo
from tickets.models import Notification, Ticket, TicketEvent
from tickets.service import get_ticket_by_number
from tickets.workflow import Request, perform

USER = "budi"


def _mine(status: str = "new", *, user: str = USER, **kwargs: object) -> str:
    """A ticket of the console citizen `user`, moved to `status`; its number."""
    with transaction() as session:
        owner = factories.citizen(session=session, channel="console", user_key=user)
        return factories.ticket(session=session, citizen=owner, status=status,
                                **kwargs).number  # type: ignore[arg-type]  # fmt: skip


def _ticket(number: str) -> Ticket:
    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=number)
        assert ticket is not None
        session.expunge(ticket)
        return ticket


def _events(number: str, kind: str) -> list[TicketEvent]:
    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=number)
        assert ticket is not None
        found = [e for e in ticket.events if e.kind == kind]
        for event in found:
            session.expunge(event)
        return found


def _staff_messages(response: str) -> list[Notification]:
    with transaction() as session:
        rows = list(session.scalars(select(Notification).where(Notification.response == response)))
        for row in rows:
            session.expunge(row)
        return rows


def _resolve(number: str, *, note: str = "Sampah sudah diangkut", photo: Path | None = None,
             days_ago: float = 0) -> None:  # fmt: skip
    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=number)
        assert ticket is not None
        admin = factories.staff(session=session, role="admin", contacts=())
        ids = [store_photo(session=session, source_path=photo).id] if photo else []
        when = utcnow() - timedelta(days=days_ago)
        for action in ("forward", "accept"):
            perform(session=session, ticket=ticket, action=action, actor=admin,
                    request=Request(agency="dlh"), now=when)  # fmt: skip
        perform(session=session, ticket=ticket, action="resolve", actor=admin,
                request=Request(note=note, photo_ids=ids), now=when)  # fmt: skip


# --- status / cek ---------------------------------------------------------------------


def test_one_ticket_shows_agency_deadline_and_history(chat: Chat) -> None:
    number = _mine("forwarded")
    reply = chat.say("status")
    assert number in reply and "Status: Diteruskan ke instansi terkait" in reply
    assert "Instansi: Dinas Lingkungan Hidup (DLH)" in reply
    assert re.search(r"Batas tindak lanjut instansi: .* WIB \(sisa [23] hari\)", reply)
    assert "Laporan diterima" in reply
    assert "Diteruskan ke Dinas Lingkungan Hidup (DLH): catatan petugas" in reply
    assert "admin" not in reply.lower()  # staff are not named
    assert reply == chat.say(f"cek {number}")


def test_rejection_reason_and_missed_deadline(chat: Chat) -> None:
    rejected = _mine("rejected")
    late = _mine(now=utcnow() - timedelta(days=2))
    reply = chat.say(f"cek {rejected}")
    assert "Status: Ditolak" in reply and "Ditolak: catatan petugas" in reply
    assert "Batas" not in reply  # closed: no deadline runs
    reply = chat.say(f"cek {late}")
    assert "Batas diteruskan operator:" in reply and "(lewat batas)" in reply
    fresh = _mine()  # 24 hours to forward: told in hours
    assert re.search(r"Batas diteruskan operator: .* \(sisa 2[34] jam\)", chat.say(f"cek {fresh}"))

    listed = chat.say("status")  # several tickets: one short card each
    assert "Laporan Anda (3)" in listed and rejected in listed and late in listed
    assert "Riwayat" not in listed


def test_resolved_ticket_shows_the_photo_then_the_rating(chat: Chat, make_image: MakeImage,
                                                       tmp_path: Path) -> None:  # fmt: skip
    number = _mine()
    _resolve(number, photo=make_image(tmp_path / "hasil.png", color=(10, 200, 10)))
    reply = chat.say(f"cek {number}")
    assert "Status: Selesai" in reply and "Diselesaikan: Sampah sudah diangkut" in reply
    assert "[gambar: " in reply
    photo = Path(reply.split("[gambar: ")[1].split("]")[0])
    assert photo.is_file() and photo.read_bytes()[:4] == b"\x89PNG"
    assert "Beri nilai 1 (buruk) sampai 5" in reply and "Belum beres" in reply

    assert "Ada komentar singkat" in chat.say("4")  # the buttons offered: "4" is pressed
    chat.say("lewati")
    reply = chat.say(f"cek {number}")
    assert "Penilaian Anda: 4 dari 5" in reply and "Anda memberi nilai 4" in reply
    assert "Belum beres" not in reply


# --- typed ratings and "belum beres" ----------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("5", 5),
        ("nilai 4", 4),
        ("bintang 5", 5),
        ("⭐⭐⭐⭐", 4),
        ("kasih 3", 3),
        ("bintang lima", 5),
    ],
)
def test_typed_rating_of_the_latest_resolved_ticket(chat: Chat, typed: str, value: int) -> None:
    older, latest = _mine(), _mine()
    _resolve(older, days_ago=1)
    _resolve(latest)
    assert "Ada komentar singkat" in chat.say(typed)
    assert "sudah kami sampaikan" in chat.say("mantap, cepat")
    assert (_ticket(latest).rating, _ticket(latest).rating_comment) == (value, "mantap, cepat")
    assert _ticket(older).rating is None
    chat.say(typed)  # the next one waiting is the older ticket
    assert _ticket(older).rating == value


def test_a_rating_with_nothing_to_rate(chat: Chat) -> None:
    _mine("forwarded")
    reply = chat.say("5")
    assert "belum mengerti" in reply and "komentar" not in reply
    reply = chat.say("nilai 4")
    assert "tidak ada laporan Anda yang selesai dan menunggu penilaian" in reply
    # Resolved long ago: a bare number is not read as its rating, a clear one is.
    old = _mine()
    _resolve(old, days_ago=10)
    assert "belum mengerti" in chat.say("5")
    assert _ticket(old).rating is None
    assert "Ada komentar singkat" in chat.say("nilai 2")
    assert _ticket(old).rating == 2


def test_a_bare_number_in_the_form_is_not_a_rating(chat: Chat) -> None:
    number = _mine()
    _resolve(number)
    chat.say("mau lapor")  # the category list: "5" picks the fifth category
    reply = chat.say("5")
    assert "Ceritakan singkat masalahnya" in reply
    assert _ticket(number).rating is None


@pytest.mark.parametrize("typed", ["belum beres", "masih belum diperbaiki", "belum dibenerin"])
def test_not_fixed_reopens_the_latest_resolved_ticket(chat: Chat, typed: str) -> None:
    number = _mine()
    _resolve(number)
    reply = chat.say(typed)
    assert f"Laporan {number} kami buka kembali" in reply
    assert _ticket(number).status == "in_progress"


def test_not_fixed_with_nothing_resolved(chat: Chat) -> None:
    _mine("forwarded")
    assert "Tidak ada laporan Anda yang sudah selesai" in chat.say("belum beres")


# --- adding to a ticket -----------------------------------------------------------------


def test_addition_in_one_message_reaches_the_operators(chat: Chat) -> None:
    with transaction() as session:
        operators = factories.staff_chat(session=session, region="bandar_lampung")
    number = _mine()
    reply = chat.say(f"tambahan untuk laporan {number}: baunya makin parah, sudah ke jalan")
    assert "Tambahan keterangan sudah kami teruskan" in reply
    [event] = _events(number, "citizen_addition")
    assert event.note == "baunya makin parah, sudah ke jalan"
    assert event.actor.startswith("citizen:")
    [alert] = _staff_messages("utter_staf_tambahan_keterangan")
    assert (alert.channel, alert.user_key) == (operators.channel, operators.chat_key)
    assert alert.variables["isi"] == "baunya makin parah, sudah ke jalan"
    assert "Anda menambahkan: baunya makin parah" in chat.say(f"cek {number}")


def test_addition_step_by_step_with_a_photo_goes_to_the_agency(
    chat: Chat, make_image: MakeImage, tmp_path: Path
) -> None:
    with transaction() as session:
        agency = factories.staff_chat(session=session, agency="dlh")
    first, second = _mine("forwarded"), _mine("in_progress")
    _mine("resolved")  # closed: not offered
    reply = chat.say("tambah keterangan")
    assert "untuk laporan yang mana" in reply and first in reply and second in reply
    reply = chat.say(second)
    assert f"keterangan tambahan untuk laporan {second}" in reply
    reply = chat.say(f"/foto {make_image(tmp_path / 'banjir.jpg', fmt='JPEG')}")
    assert "Tambahan keterangan sudah kami teruskan" in reply
    [event] = _events(second, "citizen_addition")
    assert event.note is None and len(event.data["photo_ids"]) == 1
    [alert] = _staff_messages("utter_staf_tambahan_keterangan")
    assert alert.user_key == agency.chat_key and alert.attachment_path
    assert alert.attachment_path in _ticket_attachments(second)


def _ticket_attachments(number: str) -> list[str]:
    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=number)
        assert ticket is not None
        return [a.storage_path for a in ticket.attachments]


def test_addition_words_typed_before_the_ticket_are_kept(chat: Chat) -> None:
    first, second = _mine(), _mine()
    chat.say("tambah keterangan")
    reply = chat.say("lubangnya sekarang ada dua")
    assert "untuk laporan yang mana" in reply  # asked again, the words kept
    assert "sudah kami teruskan" in chat.say(f'/tambah_keterangan{{"nomor": "{first}"}}')
    [event] = _events(first, "citizen_addition")
    assert event.note == "lubangnya sekarang ada dua"
    assert _events(second, "citizen_addition") == []


def test_addition_refused_for_closed_or_unknown_tickets_and_cancellable(chat: Chat) -> None:
    closed = _mine("rejected")
    stranger = _mine(user="orang_lain")
    assert "tidak ditemukan" in chat.say(f"tambahan untuk laporan {stranger}: ini punya saya")
    assert _events(stranger, "citizen_addition") == []
    reply = chat.say(f"tambahan untuk laporan {closed}: masih ada")
    assert "tidak bisa ditambahkan" in reply and "sudah selesai atau ditutup" in reply
    assert _events(closed, "citizen_addition") == []
    number = _mine()
    chat.say("tambah keterangan")  # the only open one is taken
    assert "tidak jadi dikirim" in chat.say("batal")
    assert _events(number, "citizen_addition") == []
    assert "belum punya laporan" not in chat.say("status")  # the conversation goes on


def test_confidential_addition_reaches_staff_masked(chat: Chat) -> None:
    with transaction() as session:
        factories.staff_chat(session=session, region="bandar_lampung")
    number = _mine(category="pungli", confidential=True)
    chat.say(f"tambahan untuk laporan {number}: hubungi saya di 081234567890, saya saksinya")
    [event] = _events(number, "citizen_addition")
    assert "081234567890" in (event.note or "")  # stored as written, like a description
    [alert] = _staff_messages("utter_staf_tambahan_keterangan")
    assert "081234567890" not in alert.variables["isi"] and "saksinya" in alert.variables["isi"]


# --- withdrawing ------------------------------------------------------------------------


def test_withdraw_with_confirmation_drops_the_unsent_alert(chat: Chat) -> None:
    with transaction() as session:
        factories.staff_chat(session=session, region="bandar_lampung")
    number = _mine(now=utcnow() - timedelta(days=2))  # its forwarding deadline has passed
    assert len(_staff_messages("utter_operator_tiket_baru")) == 1
    reply = chat.say("tarik laporan saya")
    assert f"Batalkan laporan {number}?" in reply and "Ya, batalkan" in reply
    assert "sudah dibatalkan" in chat.say("iya")
    ticket = _ticket(number)
    assert ticket.status == "withdrawn"
    [event] = _events(number, "withdrawn")
    assert (event.from_status, event.to_status) == ("new", "withdrawn")
    assert _staff_messages("utter_operator_tiket_baru") == []  # never sent: dropped
    assert _staff_messages("utter_staf_laporan_dibatalkan") == []
    with transaction() as session:
        assert sweep(session=session, now=utcnow()).recorded == []  # the SLA stopped
    reply = chat.say(f"cek {number}")
    assert "Status: Dibatalkan pelapor" in reply and "Batas" not in reply


def test_withdraw_after_the_alert_was_sent_tells_the_operators(chat: Chat) -> None:
    with transaction() as session:
        chat_row = factories.staff_chat(session=session, region="bandar_lampung")
    number = _mine()
    with transaction() as session:
        for row in session.scalars(select(Notification)):
            row.status = "sent"
    reply = chat.say(f"batalkan laporan {number}")
    assert f"Batalkan laporan {number}?" in reply
    chat.say("Ya, batalkan")
    [note] = _staff_messages("utter_staf_laporan_dibatalkan")
    assert note.user_key == chat_row.chat_key and note.variables["nomor"] == number


def test_withdraw_answered_no_or_unclear(chat: Chat) -> None:
    number = _mine()
    chat.say(f"tarik laporan {number}")
    assert "ya" in chat.say("status apa ya").lower()  # asked again
    assert "tidak dibatalkan" in chat.say("tidak")
    assert _ticket(number).status == "new"


def test_forwarded_ticket_cannot_be_withdrawn_a_note_is_offered(chat: Chat) -> None:
    number = _mine("forwarded")
    reply = chat.say("tarik laporan saya")
    assert "tidak bisa dibatalkan lagi" in reply and "Tambah keterangan" in reply
    assert _ticket(number).status == "forwarded"
    reply = chat.say("Tambah keterangan")
    assert f"keterangan tambahan untuk laporan {number}" in reply
    assert "sudah kami teruskan" in chat.say("sudah diperbaiki warga sendiri")


def test_cancel_with_no_form_offers_to_withdraw(chat: Chat) -> None:
    assert "Tidak ada laporan yang sedang diisi" in chat.say("batal")
    number = _mine()
    reply = chat.say("batal")
    assert "Tidak ada laporan yang sedang diisi" in reply and "Batalkan laporan" in reply
    assert f"Batalkan laporan {number}?" in chat.say("Batalkan laporan")


def test_only_the_reporter_may_withdraw(chat: Chat) -> None:
    stranger = _mine(user="orang_lain")
    assert "tidak ditemukan" in chat.say(f"tarik laporan {stranger}")
    assert "tidak punya laporan yang bisa dibatalkan" in chat.say("tarik laporan saya")
    assert _ticket(stranger).status == "new"


# --- supporters and merged reporters ----------------------------------------------------


def test_supporter_follows_and_may_add_but_not_withdraw(chat: Chat) -> None:
    reported = _mine(user="pelapor")
    with transaction() as session:
        me = factories.citizen(session=session, channel="console", user_key=USER)
        ticket = get_ticket_by_number(session=session, number=reported)
        assert ticket is not None
        add_supporter(session=session, ticket=ticket, citizen=me)
    reply = chat.say("status")
    assert reported in reply and "Anda mendukung laporan ini." in reply
    assert "Anda mendukung laporan ini." in chat.say(f"cek {reported}")
    assert "hanya pelapornya" in chat.say(f"batalkan laporan {reported}")
    assert "sudah kami teruskan" in chat.say(f"tambahan untuk laporan {reported}: makin parah")
    [event] = _events(reported, "citizen_addition")
    assert event.data["relation"] == "supporter"
    # The reporter sees that someone added, not the words.
    reporter_view = Chat(chat.engine, "pelapor").say(f"cek {reported}")
    assert "Warga menambahkan keterangan" in reporter_view and "makin parah" not in reporter_view


def test_merged_reporter_follows_the_target(chat: Chat) -> None:
    target = _mine(user="pelapor")
    with transaction() as session:
        target_ticket = get_ticket_by_number(session=session, number=target)
        me = factories.citizen(session=session, channel="console", user_key=USER)
        mine = factories.ticket(session=session, citizen=me, status="closed",
                                merged_into=target_ticket).number  # fmt: skip
    reply = chat.say("status")
    assert target in reply and f"Laporan Anda {mine} digabung ke laporan ini." in reply
    reply = chat.say(f"cek {mine}")
    assert target in reply and "Digabung" not in reply.split("Riwayat:")[0]
    assert "Menunggu verifikasi operator" in chat.say(f"cek {target}")
    _resolve(target)
    reply = chat.say(f"cek {target}")
    assert "Status: Selesai" in reply and "Beri nilai" not in reply  # only the reporter rates


def test_confidential_target_shows_a_merged_reporter_no_notes(chat: Chat, make_image: MakeImage,
                                                             tmp_path: Path) -> None:  # fmt: skip
    target = _mine(user="pelapor", category="pungli", confidential=True)
    with transaction() as session:
        target_ticket = get_ticket_by_number(session=session, number=target)
        me = factories.citizen(session=session, channel="console", user_key=USER)
        factories.ticket(session=session, citizen=me, category="pungli", status="closed",
                         merged_into=target_ticket)  # fmt: skip
    _resolve(target, note="Oknum atas nama Fulan sudah ditindak",
             photo=make_image(tmp_path / "bukti.png"))  # fmt: skip
    reply = chat.say(f"cek {target}")
    assert "Status: Selesai" in reply and "Diselesaikan" in reply
    assert "Fulan" not in reply and "[gambar:" not in reply
    own = Chat(chat.engine, "pelapor").say(f"cek {target}")
    assert "Fulan" in own and "[gambar:" in own
