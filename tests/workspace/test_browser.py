"""The workspace in a real browser: Playwright driving Debian's headless Chromium
(/usr/bin/chromium, installed by `make test`) against the project's ASGI app served
by uvicorn on 127.0.0.1, as staff use it: logging in, the queue refreshing by
itself, the ticket forms, the confidential view, CSRF and deactivated accounts.
Phone-width screenshots of the queue and the ticket page go to the test's
directory (and to $WORKSPACE_SCREENSHOTS when set, to look at them)."""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright
from sqlalchemy import select

from bot.web import create_app
from core.db import transaction
from core.settings import get_settings
from tests.support.whatsapp_harness import free_port, uvicorn_thread
from tests.support.workspace_client import (
    PASSWORD,
    REPORTER_CHAT,
    REPORTER_NAME,
    REPORTER_PHONE,
    Account,
    confidential_report,
    filed,
    stored,
)
from tests.workspace.conftest import MakeAccount
from tickets.models import Attachment, Notification, TicketEvent

CHROMIUM = "/usr/bin/chromium"
# As root, without a sandbox; no background connections (this machine has no internet).
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE: ViewportSize = {"width": 390, "height": 844}


# Module-scoped: Playwright's sync API keeps an event loop running in this thread,
# so it must be gone before tests of other modules call asyncio.run.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def site(db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The app on a free port; the queue refreshes every second. No tiles: offline."""
    monkeypatch.setenv("WORKSPACE_REFRESH_SECONDS", "1")
    monkeypatch.setenv("WORKSPACE_TILE_URL", "")
    get_settings.cache_clear()
    port = free_port()
    with uvicorn_thread(create_app(), port):
        yield f"http://127.0.0.1:{port}/petugas"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


def _log_in(page: Page, site: str, account: Account, password: str = PASSWORD) -> None:
    page.goto(f"{site}/masuk")
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def _screenshot(page: Page, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if target := os.environ.get("WORKSPACE_SCREENSHOTS"):
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / path.name)
    return path


def _fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px"


def test_log_in_and_a_new_ticket_appears_in_the_queue_without_a_reload(
    site: str, page: Page, make_account: MakeAccount, tmp_path: Path
) -> None:
    filed(region="metro", description="jalan berlubang dekat terminal")
    _log_in(page, site, make_account("operator", region="metro", name="Rina"))
    expect(page.get_by_role("heading", name="Antrean tiket")).to_be_visible()
    expect(page.get_by_text("Rina")).to_be_visible()
    reloads: list[dict[str, str]] = []
    page.on("request", lambda r: reloads.append(r.headers) if "hx-request" in r.headers else None)
    number = filed(region="metro", description="lampu taman mati sejak kemarin")
    page.evaluate("window.__sameDocument = true")
    expect(page.locator(f'[data-nomor="{number}"]').first).to_be_visible(timeout=10_000)
    assert page.evaluate("window.__sameDocument") is True  # no reload happened
    # The reload says it is one (it does not extend the session) and carries the token.
    assert reloads and reloads[0].get("x-laporin-refresh") == "1"
    assert reloads[0].get("x-csrf-token")
    _fits_the_screen(page)
    shot = _screenshot(page, tmp_path, "antrean-ponsel")
    with Image.open(shot) as image:
        assert image.width == PHONE["width"]


def test_a_wrong_password_is_told_and_does_not_log_in(
    site: str, page: Page, make_account: MakeAccount
) -> None:
    _log_in(page, site, make_account("admin"), "bukan-sandinya")
    expect(page.get_by_role("alert")).to_contain_text("Email atau kata sandi salah")
    expect(page.get_by_role("button", name="Masuk")).to_be_visible()
    page.goto(f"{site}/")
    assert "/petugas/masuk" in page.url


def test_a_deactivated_user_is_refused(site: str, page: Page, make_account: MakeAccount) -> None:
    account = make_account("agency", agency="dlh")
    with transaction() as session:
        from tickets.accounts import set_active
        from tickets.models import StaffUser

        user = session.get(StaffUser, account.id)
        assert user is not None
        set_active(session=session, user=user, active=False)
    _log_in(page, site, account)
    expect(page.get_by_role("alert")).to_contain_text("dinonaktifkan")


def test_forward_from_the_ticket_page_and_the_citizen_is_told(
    site: str, page: Page, make_account: MakeAccount, tmp_path: Path
) -> None:
    number = filed(
        category="jalan_rusak", region="metro", description="jln depan rumah rusak parah bgt min"
    )
    _log_in(page, site, make_account("operator", region="metro"))
    page.get_by_role("link", name=number).first.click()
    expect(page.get_by_role("heading", name=number)).to_be_visible()
    expect(page.locator("#peta.ready")).to_be_visible()  # the map draws without tiles
    _fits_the_screen(page)
    _screenshot(page, tmp_path, "tiket-ponsel")
    page.get_by_label("Instansi tujuan").select_option("dinas_bmbk")
    page.get_by_role("button", name="Teruskan", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Tiket diteruskan ke instansi")
    assert (stored(number).status, stored(number).agency_code) == ("forwarded", "dinas_bmbk")
    with transaction() as session:
        ticket_id = stored(number).id
        queued = session.scalars(
            select(Notification.response).where(
                Notification.ticket_id == ticket_id, Notification.status == "pending"
            )
        ).all()
    assert "utter_notifikasi_diteruskan" in queued


def test_reroute_with_a_reason_from_a_template(
    site: str, page: Page, make_account: MakeAccount, templates: None
) -> None:
    number = filed(category="sampah", region="metro")
    _log_in(page, site, make_account("operator", region="metro"))
    page.goto(f"{site}/tiket/{number}")
    page.get_by_text("Alihkan", exact=True).first.click()  # opens its <details>
    page.get_by_label("Wilayah").select_option("pringsewu")
    form = page.locator("form[action$='/aksi/reroute']")
    form.get_by_label("Templat jawaban").select_option(label="Bukan kewenangan")
    reason = form.get_by_label("Alasan")
    expect(reason).to_have_value(re.compile("bukan kewenangan kami"))
    reason.fill(reason.input_value() + " Lokasi masuk Pringsewu.")
    form.get_by_role("button", name="Alihkan").click()
    expect(page.get_by_role("status")).to_contain_text("Tiket dialihkan")
    assert stored(number).region_code == "pringsewu"
    with transaction() as session:
        event = session.scalars(select(TicketEvent).where(TicketEvent.kind == "reroute")).one()
        assert event.note is not None and event.note.endswith("Lokasi masuk Pringsewu.")


def _photo_with_metadata(path: Path) -> Path:
    exif = Image.Exif()
    exif[0x010F] = "KameraDinas"
    exif[0x8825] = {1: "S", 2: (5.0, 26.0, 0.0), 3: "E", 4: (105.0, 15.0, 0.0)}
    Image.new("RGB", (320, 240), (30, 110, 60)).save(path, "JPEG", exif=exif)
    return path


def test_resolve_with_a_photo(
    site: str, page: Page, make_account: MakeAccount, tmp_path: Path, media_dir: Path
) -> None:
    number = filed(category="sampah", region="metro", status="in_progress", agency="dlh")
    _log_in(page, site, make_account("agency", agency="dlh"))
    page.goto(f"{site}/tiket/{number}")
    page.get_by_text("Selesaikan", exact=True).first.click()
    form = page.locator("form[action$='/aksi/resolve']")
    form.get_by_label("Catatan penyelesaian").fill("Sampah sudah diangkut pagi ini.")
    form.get_by_label(re.compile("Foto hasil")).set_input_files(
        str(_photo_with_metadata(tmp_path / "hasil.jpg"))
    )
    form.get_by_role("button", name="Selesaikan").click()
    expect(page.get_by_role("status")).to_contain_text("Tiket ditandai selesai")
    expect(page.get_by_alt_text(re.compile("Foto Diselesaikan"))).to_be_visible()
    assert stored(number).status == "resolved"
    with transaction() as session:
        photo = session.scalars(select(Attachment).where(Attachment.ticket_id.is_not(None))).one()
        kept = (media_dir / photo.storage_path).read_bytes()
    assert b"KameraDinas" not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert not image.getexif()


def test_an_agency_user_opens_a_confidential_ticket_without_reporter_data(
    site: str, page: Page, make_account: MakeAccount
) -> None:
    number = confidential_report()
    _log_in(page, site, make_account("agency", agency="inspektorat"))
    page.goto(f"{site}/tiket/{number}")
    expect(page.get_by_text("Identitas pelapor dirahasiakan")).to_be_visible()
    html = page.content()
    for secret in (REPORTER_NAME, REPORTER_PHONE, REPORTER_CHAT):
        assert secret not in html
    page.goto(f"{site}/")
    assert REPORTER_NAME not in page.content() and REPORTER_PHONE not in page.content()


def test_a_form_posted_without_the_csrf_token_is_refused(
    site: str, page: Page, make_account: MakeAccount
) -> None:
    number = filed(category="jalan_rusak", region="metro")
    _log_in(page, site, make_account("operator", region="metro"))
    page.goto(f"{site}/tiket/{number}")
    page.evaluate("document.querySelectorAll('input[name=csrf]').forEach(e => e.remove())")
    page.get_by_role("button", name="Teruskan", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Formulir kedaluwarsa atau tidak sah")
    assert stored(number).status == "new"


def test_the_public_page_of_a_confidential_report_has_no_description_or_location(
    site: str, page: Page, tmp_path: Path
) -> None:
    number = confidential_report()
    public = site.replace("/petugas", "/laporan")
    page.goto(f"{public}/{number}")
    expect(page.get_by_role("heading", name=number)).to_be_visible()
    expect(page.get_by_text("Laporan ini dirahasiakan")).to_be_visible()
    html = page.content()
    for hidden in ("oknum", REPORTER_NAME, REPORTER_PHONE, "data-lat", "leaflet.js"):
        assert hidden not in html
    _fits_the_screen(page)
    _screenshot(page, tmp_path, "publik-rahasia-ponsel")


def test_the_public_map_shows_the_reports_and_links_to_them(
    site: str, page: Page, tmp_path: Path
) -> None:
    numbers = [
        filed(category="jalan_rusak", region="metro"),
        filed(category="sampah", region="pringsewu", latitude=-5.36, longitude=104.97),
    ]
    confidential_report()
    public = site.replace("/petugas", "/laporan")
    page.goto(f"{public}/")
    expect(page.locator("#peta-publik.ready")).to_be_visible()
    assert page.locator("#peta-publik").get_attribute("data-count") == "2"
    # The dot itself (a click on its SVG path), wherever the map has drawn it.
    page.locator(".leaflet-interactive").first.dispatch_event("click")
    popup = page.locator(".leaflet-popup-content a")
    expect(popup).to_be_visible()
    assert popup.inner_text().split(" · ")[0] in numbers
    page.get_by_label("Kategori").select_option("sampah")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator("#peta-publik.ready")).to_be_visible()
    assert page.locator("#peta-publik").get_attribute("data-count") == "1"
    _fits_the_screen(page)
    _screenshot(page, tmp_path, "peta-publik-ponsel")


# --- the leaders' dashboard (issue 18) ---------------------------------------------


def test_the_leaders_dashboard_draws_the_trend_and_a_clustered_map(
    site: str, page: Page, make_account: MakeAccount, tmp_path: Path
) -> None:
    # Ten reports around one spot of Kota Metro (a cluster), one in Pringsewu, one
    # resolved, and a confidential one: all in the figures, no reporter anywhere.
    for i in range(10):
        filed(category="jalan_rusak", region="metro", latitude=-5.1131 + i / 10000,
              longitude=105.3067, alert=False)  # fmt: skip
    filed(category="sampah", region="pringsewu", latitude=-5.36, longitude=104.97,
          status="resolved", agency="dlh", alert=False)  # fmt: skip
    secret = confidential_report()
    _log_in(page, site, make_account("leader"))
    page.goto(f"{site}/pimpinan/")
    expect(page.get_by_role("heading", name="Kinerja penanganan laporan")).to_be_visible()
    expect(page.locator("#grafik-tren[data-ready=ya]")).to_be_attached()
    trend = page.evaluate("JSON.parse(document.getElementById('tren-data').textContent)")
    assert sum(trend["masuk"]) == 12
    expect(page.locator("#peta-pimpinan.ready")).to_be_visible()
    assert page.locator("#peta-pimpinan").get_attribute("data-count") == "12"
    expect(page.locator(".marker-cluster").first).to_be_visible()  # the ten, clustered
    expect(page.locator("#peta-keterangan")).to_have_text("12 laporan di peta.")
    page.locator("#peta-kategori").select_option("jalan_rusak")
    assert page.locator("#peta-pimpinan").get_attribute("data-count") == "10"
    page.locator("#peta-kategori").select_option("")
    page.locator("#peta-status").select_option("terbuka")
    assert page.locator("#peta-pimpinan").get_attribute("data-count") == "11"
    html = page.content()
    for hidden in (REPORTER_NAME, REPORTER_PHONE, "oknum"):
        assert hidden not in html
    data = page.evaluate("fetch('/petugas/pimpinan/peta.json').then(r => r.text())")
    assert secret in data and REPORTER_NAME not in data and REPORTER_PHONE not in data
    _fits_the_screen(page)
    _screenshot(page, tmp_path, "dasbor-pimpinan-ponsel")
    page.set_viewport_size({"width": 1280, "height": 900})
    _screenshot(page, tmp_path, "dasbor-pimpinan-lebar")


def test_the_dashboard_is_for_leaders_not_operators(
    site: str, page: Page, make_account: MakeAccount
) -> None:
    _log_in(page, site, make_account("operator", region="metro"))
    answer = page.goto(f"{site}/pimpinan/")
    assert answer is not None and answer.status == 403
    assert page.request.get(f"{site}/pimpinan/peta.json").status == 403
