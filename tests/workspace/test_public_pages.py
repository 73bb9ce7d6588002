"""The public report pages (/laporan/), without a login: a report's page, the map
and its data, the photos; operators hiding a report's text or a photo from them."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from starlette.testclient import TestClient

from core.db import transaction
from tests import factories
from tests.support.workspace_client import (
    REPORTER_NAME,
    REPORTER_PHONE,
    confidential_report,
    logged_in,
    new_client,
    post_form,
)
from tests.workspace.conftest import MakeAccount
from tickets.media import store_photo
from tickets.models import TicketEvent


def _report_with_photo(make_image: object, tmp_path: Path) -> tuple[str, int]:
    source = make_image(tmp_path / "jalan.png")  # type: ignore[operator]
    with transaction() as session:
        photo = store_photo(session=session, source_path=source)
        reporter = factories.citizen(session=session, name="Budi Pelapor", phone="081311112222")
        number = factories.ticket(
            session=session, citizen=reporter, category="jalan_rusak", region="metro",
            description="lubang besar depan SD, hubungi 081311112222", attachment_ids=[photo.id],
            latitude=-5.11334, longitude=105.30671,
        ).number  # fmt: skip
        return number, photo.id


def test_a_report_page_shows_the_report_and_nothing_personal(
    client: TestClient, make_image: object, tmp_path: Path
) -> None:
    number, photo_id = _report_with_photo(make_image, tmp_path)
    page = client.get(f"/laporan/{number}")
    assert page.status_code == 200
    html = page.text
    assert "Jalan rusak" in html and "lubang besar depan SD" in html and "Kota Metro" in html
    assert "0813******22" in html  # the number typed into the text, masked
    for personal in ("Budi Pelapor", "081311112222", "-5.11334", "105.30671"):
        assert personal not in html
    assert 'data-lat="-5.113"' in html  # rounded to about 100 m
    assert "Laporan diterima" in html  # the history in plain Indonesian
    assert client.get(f"/laporan/foto/{photo_id}").status_code == 200
    assert client.get("/laporan/LPG-2026-999999").status_code == 404


def test_a_confidential_report_shows_only_category_region_and_status(client: TestClient) -> None:
    number = confidential_report()
    html = client.get(f"/laporan/{number}").text
    assert "Pungutan liar" in html and "Kota Metro" in html and "Diteruskan" in html
    for hidden in ("oknum", "kelurahan", REPORTER_NAME, REPORTER_PHONE, "Inspektorat",
                   'id="peta"', "data-lat"):  # fmt: skip
        assert hidden not in html
    data = client.get("/laporan/peta.json").json()
    assert number not in str(data)


def test_the_map_data_and_the_list_follow_the_filters(client: TestClient) -> None:
    with transaction() as session:
        road = factories.ticket(session=session, category="jalan_rusak", region="metro").number
        trash = factories.ticket(session=session, category="sampah", region="pringsewu",
                                 status="resolved", agency="dlh").number  # fmt: skip

    def numbers(**params: str) -> set[str]:
        data = client.get("/laporan/peta.json", params=params).json()
        assert data["type"] == "FeatureCollection"
        return {f["properties"]["nomor"] for f in data["features"]}

    assert numbers() == {road, trash}
    assert numbers(kategori="sampah") == {trash}
    assert numbers(wilayah="metro") == {road}
    assert numbers(status="terbuka") == {road} and numbers(status="selesai") == {trash}
    page = client.get("/laporan/", params={"kategori": "sampah"}).text
    assert trash in page and road not in page
    assert "Pungutan liar" not in page  # not a category to filter the public map by


def test_an_operator_hides_the_text_and_a_photo_from_the_public(
    make_account: MakeAccount, make_image: object, tmp_path: Path
) -> None:
    number, photo_id = _report_with_photo(make_image, tmp_path)
    operator = logged_in(make_account("operator", region="metro"))
    staff_page = f"/petugas/tiket/{number}"
    assert "Sembunyikan uraian dari publik" in operator.get(staff_page).text
    hide_text = post_form(operator, staff_page, f"{staff_page}/publik",
                          {"part": "text", "shown": "0"})  # fmt: skip
    assert hide_text.status_code == 303
    hide_photo = post_form(operator, staff_page, f"{staff_page}/publik",
                           {"part": "photo", "photo_id": str(photo_id), "shown": "0"})  # fmt: skip
    assert hide_photo.status_code == 303
    public = new_client()
    html = public.get(f"/laporan/{number}").text
    assert "lubang besar" not in html and "tidak ditampilkan untuk umum" in html
    assert public.get(f"/laporan/foto/{photo_id}").status_code == 404
    assert public.get(f"/open311/v2/media/{photo_id}").status_code == 404
    [row] = public.get(f"/open311/v2/requests/{number}.json").json()
    assert row["description"] is None and row["media_url"] is None
    staff_view = operator.get(staff_page).text
    assert "lubang besar" in staff_view  # staff still see everything
    assert "Disembunyikan dari halaman publik" in staff_view  # the history says who and when
    shown = post_form(operator, staff_page, f"{staff_page}/publik", {"part": "text", "shown": "1"})
    assert shown.status_code == 303
    assert "lubang besar" in public.get(f"/laporan/{number}").text
    with transaction() as session:
        kinds = [e.kind for e in session.scalars(select(TicketEvent).order_by(TicketEvent.id))]
    assert kinds[-3:] == ["public_hidden", "public_hidden", "public_shown"]


def test_agency_staff_do_not_moderate(
    make_account: MakeAccount, make_image: object, tmp_path: Path
) -> None:
    with transaction() as session:
        number = factories.ticket(session=session, category="sampah", region="metro",
                                  status="forwarded", agency="dlh").number  # fmt: skip
    agency = logged_in(make_account("agency", agency="dlh"))
    page = f"/petugas/tiket/{number}"
    assert "Sembunyikan uraian" not in agency.get(page).text
    refused = post_form(agency, page, f"{page}/publik", {"part": "text", "shown": "0"})
    assert refused.status_code == 400
