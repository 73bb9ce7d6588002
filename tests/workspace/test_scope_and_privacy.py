"""Every page asks the workflow's own scope rules (tickets.scope): an operator sees
their region, agency staff their agency, admins everything; a ticket outside the
scope answers 404 like a missing one. A confidential report (pungli, "Kirim
rahasia") shows agency staff and leaders no trace of its reporter: not on the
ticket page, the queue, its htmx fragment, the merge search or a photo."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from core.db import transaction
from tests import factories
from tests.support.workspace_client import (
    REPORTER_CHAT,
    REPORTER_NAME,
    REPORTER_PHONE,
    confidential_report,
    logged_in,
)
from tests.workspace.conftest import MakeAccount
from tickets.media import store_photo

NAME, PHONE, CHAT_ID = REPORTER_NAME, REPORTER_PHONE, REPORTER_CHAT


def test_an_operator_sees_only_their_region(make_account: MakeAccount) -> None:
    with transaction() as session:
        own = factories.ticket(session=session, region="metro", description="lampu mati metro")
        other = factories.ticket(session=session, region="pringsewu", description="lampu mati")
        own_number, other_number = own.number, other.number
    operator = logged_in(make_account("operator", region="metro"))
    queue = operator.get("/petugas/", params={"status": "semua"}).text
    assert own_number in queue and other_number not in queue
    assert operator.get(f"/petugas/tiket/{own_number}").status_code == 200
    assert operator.get(f"/petugas/tiket/{other_number}").status_code == 404
    admin = logged_in(make_account("admin"))
    everything = admin.get("/petugas/").text
    assert own_number in everything and other_number in everything


def test_agency_staff_see_only_their_agency(make_account: MakeAccount) -> None:
    with transaction() as session:
        mine = factories.ticket(
            session=session, category="sampah", region="metro", status="forwarded", agency="dlh"
        )
        theirs = factories.ticket(
            session=session,
            category="jalan_rusak",
            region="metro",
            status="forwarded",
            agency="dinas_pupr",
        )
        waiting = factories.ticket(session=session, category="sampah", region="metro")
        numbers = mine.number, theirs.number, waiting.number
    agency = logged_in(make_account("agency", agency="dlh"))
    queue = agency.get("/petugas/").text
    assert numbers[0] in queue
    assert numbers[1] not in queue and numbers[2] not in queue  # not forwarded to it yet
    assert agency.get(f"/petugas/tiket/{numbers[1]}").status_code == 404


def test_a_photo_outside_the_scope_is_not_served(
    make_account: MakeAccount, make_image: object, tmp_path: Path
) -> None:
    source = make_image(tmp_path / "foto.png")  # type: ignore[operator]
    with transaction() as session:
        photo = store_photo(session=session, source_path=source)
        factories.ticket(session=session, region="pringsewu", attachment_ids=[photo.id])
        photo_id = photo.id
    assert (
        logged_in(make_account("operator", region="metro"))
        .get(f"/petugas/foto/{photo_id}")
        .status_code
        == 404
    )
    seen = logged_in(make_account("operator", region="pringsewu"))
    assert seen.get(f"/petugas/foto/{photo_id}").status_code == 200
    small = seen.get(f"/petugas/foto/{photo_id}/kecil")
    assert small.status_code == 200 and small.headers["content-type"] == "image/jpeg"


def _confidential(make_image: object, tmp_path: Path) -> str:
    source = make_image(tmp_path / "bukti.png")  # type: ignore[operator]
    with transaction() as session:
        photo_id = store_photo(session=session, source_path=source).id
    return confidential_report(attachment_ids=[photo_id])


def _no_reporter(html: str) -> None:
    for secret in (NAME, PHONE, CHAT_ID, "Siti", "8129876"):
        assert secret not in html


@pytest.mark.parametrize(
    ("role", "scope"), [("agency", {"agency": "inspektorat"}), ("leader", {})], ids=str
)
def test_a_confidential_report_shows_no_reporter_to_agencies_and_leaders(
    make_account: MakeAccount,
    make_image: object,
    tmp_path: Path,
    role: str,
    scope: dict[str, str],
) -> None:
    number = _confidential(make_image, tmp_path)
    browser: TestClient = logged_in(make_account(role, **scope))
    page = browser.get(f"/petugas/tiket/{number}")
    assert page.status_code == 200
    assert "Identitas pelapor dirahasiakan" in page.text
    assert "oknum minta uang" in page.text  # the report itself is there
    _no_reporter(page.text)
    for html in (
        browser.get("/petugas/").text,
        browser.get("/petugas/", headers={"HX-Request": "true"}).text,
        browser.get("/petugas/", params={"q": "oknum"}).text,
        browser.get(f"/petugas/tiket/{number}/calon-gabung", params={"q": "oknum"}).text,
    ):
        _no_reporter(html)
    assert number in browser.get("/petugas/").text


def test_the_text_search_never_finds_a_confidential_report_by_its_reporter(
    make_account: MakeAccount, make_image: object, tmp_path: Path
) -> None:
    number = _confidential(make_image, tmp_path)
    admin = logged_in(make_account("admin"))
    assert number not in admin.get("/petugas/", params={"q": PHONE}).text
    assert number in admin.get("/petugas/", params={"q": number}).text


def test_the_region_operator_still_sees_who_reported(
    make_account: MakeAccount, make_image: object, tmp_path: Path
) -> None:
    number = _confidential(make_image, tmp_path)
    operator = logged_in(make_account("operator", region="metro"))
    page = operator.get(f"/petugas/tiket/{number}").text
    assert NAME in page


def test_pages_for_other_roles_are_refused(make_account: MakeAccount) -> None:
    agency = logged_in(make_account("agency", agency="dlh"))
    for path in ("/petugas/admin/pengguna", "/petugas/admin/templat", "/petugas/percakapan"):
        assert agency.get(path).status_code == 403
