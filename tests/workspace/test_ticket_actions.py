"""The ticket page's forms run the workflow (tickets.workflow.perform) as the chat
buttons and the command line do: forward, re-route with a reason, merge, reject,
accept, progress, resolve with photos, a message to the reporter; each change
tells the citizen through the outbox; two staff at once: one wins."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy import select
from starlette.testclient import TestClient

from core.db import transaction
from tests import factories
from tests.support.workspace_client import csrf_of, filed, logged_in, new_client, post_form, stored
from tests.workspace.conftest import MakeAccount
from tickets.models import Attachment, Notification, Ticket
from workspace.texts import text

PAGE = "/petugas/tiket/{}"


def _news(number: str) -> list[str]:
    """The responses queued for the reporter of `number`, oldest first."""
    with transaction() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        keys = {c.user_key for c in ticket.citizen.contacts}
        rows = session.scalars(
            select(Notification)
            .where(Notification.ticket_id == ticket.id, Notification.user_key.in_(keys))
            .order_by(Notification.id)
        )
        return [n.response for n in rows]


def _act(browser: TestClient, number: str, action: str, **data: str) -> Any:
    page = PAGE.format(number)
    return post_form(browser, page, f"{page}/aksi/{action}", data)


def test_an_operator_forwards_to_the_chosen_agency_and_the_citizen_is_told(
    make_account: MakeAccount,
) -> None:
    number = filed(category="jalan_rusak", region="metro")
    operator = logged_in(make_account("operator", region="metro"))
    page = operator.get(PAGE.format(number))
    assert page.status_code == 200 and ">Teruskan</button>" in page.text
    answer = _act(operator, number, "forward", agency="dinas_bmbk")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{PAGE.format(number)}?ok=forward"
    ticket = stored(number)
    assert (ticket.status, ticket.agency_code) == ("forwarded", "dinas_bmbk")
    assert _news(number)[-1] == "utter_notifikasi_diteruskan"
    shown = operator.get(answer.headers["location"]).text
    assert text("done", "forward") in shown and "Diteruskan" in shown


def test_a_reroute_needs_a_reason_and_moves_the_ticket_out_of_the_queue(
    make_account: MakeAccount,
) -> None:
    number = filed(category="sampah", region="metro")
    operator = logged_in(make_account("operator", region="metro"))
    refused = _act(operator, number, "reroute", region="pringsewu", reason="")
    assert refused.status_code == 400
    assert stored(number).region_code == "metro"
    moved = _act(operator, number, "reroute", region="pringsewu", reason="Lokasi di Pringsewu")
    assert moved.status_code == 303 and moved.headers["location"] == "/petugas/?ok=reroute"
    assert stored(number).region_code == "pringsewu"
    # No longer this operator's: the page answers as for a missing ticket.
    assert operator.get(PAGE.format(number)).status_code == 404
    other = logged_in(make_account("operator", region="pringsewu"))
    history = other.get(PAGE.format(number)).text
    assert "Lokasi di Pringsewu" in history and "Petugas operator" in history


def test_an_operator_merges_a_duplicate_found_by_its_words(make_account: MakeAccount) -> None:
    first = filed(category="sampah", region="metro", description="sampah di pasar cendrawasih")
    second = filed(category="sampah", region="metro", description="sampah numpuk pasar")
    operator = logged_in(make_account("operator", region="metro"))
    found = operator.get(f"{PAGE.format(second)}/calon-gabung", params={"q": "cendrawasih"})
    assert first in found.text and second not in found.text
    answer = _act(operator, second, "merge", target=first)
    assert answer.status_code == 303
    assert (stored(second).status, stored(second).merged_into_id) == (
        "closed",
        stored(first).id,
    )
    assert _news(second)[-1] == "utter_notifikasi_digabung"


def test_a_merge_target_outside_the_scope_is_refused(make_account: MakeAccount) -> None:
    elsewhere = filed(region="pringsewu")
    number = filed(region="metro")
    operator = logged_in(make_account("operator", region="metro"))
    answer = _act(operator, number, "merge", target_number=elsewhere)
    assert answer.status_code == 400
    assert text("errors", "no_target") in answer.text
    assert stored(number).status == "new"


def test_a_rejection_with_a_template_reason_reaches_the_citizen(
    make_account: MakeAccount, templates: None
) -> None:
    number = filed(region="metro")
    operator = logged_in(make_account("operator", region="metro"))
    page = operator.get(PAGE.format(number)).text
    assert "Di luar Provinsi Lampung" in page  # a response template to pick
    answer = _act(operator, number, "reject", reason="Lokasi di luar Provinsi Lampung.")
    assert answer.status_code == 303
    assert stored(number).status == "rejected"
    assert _news(number)[-1] == "utter_notifikasi_ditolak"


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (10, 120, 30))
    exif = Image.Exif()
    exif[0x010F] = "KameraPetugas"  # Make
    exif[0x8825] = {1: "S", 2: (5.0, 26.0, 0.0), 3: "E", 4: (105.0, 15.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_agency_staff_accept_note_progress_and_resolve_with_a_photo_without_metadata(
    make_account: MakeAccount, media_dir: Path
) -> None:
    number = filed(category="sampah", region="metro", status="forwarded", agency="dlh")
    agency = logged_in(make_account("agency", agency="dlh"))
    assert _act(agency, number, "accept").status_code == 303
    assert _act(agency, number, "progress", note="Truk dijadwalkan besok.").status_code == 303
    page = PAGE.format(number)
    html = agency.get(page).text
    raw = _jpeg_with_gps()
    assert b"KameraPetugas" in raw
    answer = agency.post(
        f"{page}/aksi/resolve",
        data={
            "csrf": csrf_of(html),
            "version": str(stored(number).version),
            "note": "Sampah sudah diangkut.",
        },
        files=[("foto", ("hasil.jpg", raw, "image/jpeg"))],
    )
    assert answer.status_code == 303, answer.text
    assert stored(number).status == "resolved"
    assert _news(number)[-3:] == [
        "utter_notifikasi_diproses",
        "utter_notifikasi_progres",
        "utter_notifikasi_selesai",
    ]
    with transaction() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        resolved = next(e for e in ticket.events if e.kind == "resolve")
        photo = session.get(Attachment, resolved.data["photo_ids"][0])
        assert photo is not None
        kept = (media_dir / photo.storage_path).read_bytes()
    assert b"KameraPetugas" not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert not image.getexif()
    assert agency.get(f"/petugas/foto/{photo.id}").content == kept


def test_a_broken_photo_is_refused_and_nothing_changes(make_account: MakeAccount) -> None:
    number = filed(category="sampah", region="metro", status="forwarded", agency="dlh")
    agency = logged_in(make_account("agency", agency="dlh"))
    page = PAGE.format(number)
    answer = agency.post(
        f"{page}/aksi/resolve",
        data={
            "csrf": csrf_of(agency.get(page).text),
            "version": str(stored(number).version),
            "note": "Selesai.",
        },
        files=[("foto", ("hasil.jpg", b"bukan gambar", "image/jpeg"))],
    )
    assert answer.status_code == 400
    assert "Foto tidak dapat dibaca" in answer.text
    assert stored(number).status == "forwarded"


def test_a_message_to_the_citizen_is_queued_on_their_channel(make_account: MakeAccount) -> None:
    with transaction() as session:
        reporter = factories.citizen(session=session, channel="whatsapp", user_key="6281200000001")
        number = factories.ticket(session=session, citizen=reporter, region="metro").number
    operator = logged_in(make_account("operator", region="metro"))
    page = PAGE.format(number)
    answer = post_form(operator, page, f"{page}/pesan", {"message": "Mohon kirim foto lagi."})
    assert answer.status_code == 303
    with transaction() as session:
        queued = session.scalars(
            select(Notification).where(Notification.response == "utter_pesan_petugas")
        ).one()
        assert (queued.channel, queued.user_key) == ("whatsapp", "6281200000001")
        assert queued.variables == {"nomor": number, "pesan": "Mohon kirim foto lagi."}
    assert "Mohon kirim foto lagi." in operator.get(page).text  # in the history


def test_two_staff_at_once_one_wins_and_the_other_is_told(make_account: MakeAccount) -> None:
    number = filed(category="jalan_rusak", region="metro")
    first = logged_in(make_account("operator", region="metro"))
    second = logged_in(make_account("coordinator", region="metro"))
    page = PAGE.format(number)
    drawn = second.get(page).text  # the second operator's page, drawn before the change
    assert _act(first, number, "forward", agency="dinas_bmbk").status_code == 303
    late = second.post(
        f"{page}/aksi/reject",
        data={"csrf": csrf_of(drawn), "version": "1", "reason": "Bukan pengaduan."},
    )
    assert late.status_code == 409
    assert text("errors", "stale") in late.text
    assert stored(number).status == "forwarded"


def test_a_form_without_the_csrf_token_is_refused(make_account: MakeAccount) -> None:
    number = filed(category="jalan_rusak", region="metro")
    operator = logged_in(make_account("operator", region="metro"))
    answer = operator.post(
        f"{PAGE.format(number)}/aksi/forward", data={"agency": "dinas_bmbk", "version": "1"}
    )
    assert answer.status_code == 403
    assert text("errors", "csrf") in answer.text
    wrong = operator.post(
        f"{PAGE.format(number)}/aksi/forward",
        data={"agency": "dinas_bmbk", "version": "1", "csrf": "tebakan"},
    )
    assert wrong.status_code == 403
    assert stored(number).status == "new"


def test_an_action_the_role_may_not_take_is_refused(make_account: MakeAccount) -> None:
    number = filed(category="sampah", region="metro", status="forwarded", agency="dlh")
    agency = logged_in(make_account("agency", agency="dlh"))
    assert ">Teruskan</button>" not in agency.get(PAGE.format(number)).text
    answer = _act(agency, number, "reject", reason="tidak mau")
    assert answer.status_code == 400
    assert stored(number).status == "forwarded"
    assert _act(agency, number, "hapus").status_code == 400  # no such action


def test_an_operator_refers_a_report_to_sp4n_lapor(make_account: MakeAccount) -> None:
    number = filed(category="pelayanan_publik", region="metro")
    operator = logged_in(make_account("operator", region="metro"))
    page = operator.get(PAGE.format(number)).text
    assert "Nomor pelacakan SP4N-LAPOR!" in page
    refused = _act(operator, number, "refer_lapor", lapor_id="ada spasi")
    assert refused.status_code == 400 and "tidak valid" in refused.text
    answer = _act(operator, number, "refer_lapor", lapor_id="LPR-2612-0042")
    assert answer.status_code == 303
    ticket = stored(number)
    assert (ticket.status, ticket.lapor_tracking_id) == ("referred", "LPR-2612-0042")
    assert _news(number)[-1] == "utter_notifikasi_dirujuk_lapor"
    assert "Dirujuk ke SP4N-LAPOR!" in new_client().get(f"/laporan/{number}").text
