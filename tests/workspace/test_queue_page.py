"""The queue (/petugas/): newest first with the most urgent above, SLA countdowns and
overdue markers, filters, keyset pages, and the fragment htmx reloads."""

from __future__ import annotations

import re
from datetime import timedelta

from core.db import transaction
from core.timestamps import utcnow
from tests import factories
from tests.support.workspace_client import logged_in
from tests.workspace.conftest import MakeAccount
from workspace.queue_page import PAGE_SIZE

ROW = re.compile(r'data-nomor="(LPG-\d{4}-\d{6})"')


def _numbers(html: str, section: str = 'aria-label="Daftar tiket"') -> list[str]:
    return ROW.findall(html.split(section, 1)[1]) if section in html else []


def test_newest_first_with_countdowns_and_the_overdue_above(make_account: MakeAccount) -> None:
    now = utcnow()
    with transaction() as session:
        late = factories.ticket(session=session, region="metro", now=now - timedelta(hours=30))
        fresh = factories.ticket(session=session, region="metro", now=now - timedelta(hours=1))
        numbers = late.number, fresh.number
    html = logged_in(make_account("operator", region="metro")).get("/petugas/").text
    assert _numbers(html) == [numbers[1], numbers[0]]
    assert _numbers(html, 'aria-label="Tiket paling mendesak"')[0] == numbers[0]
    # Whole hours, rounded down: never more time than is left.
    assert "terlambat 6 jam" in html and "sisa 22 jam" in html
    assert 'class="row is-late"' in html


def test_filters_narrow_the_queue(make_account: MakeAccount) -> None:
    now = utcnow()
    with transaction() as session:
        road = factories.ticket(
            session=session,
            category="jalan_rusak",
            region="metro",
            description="jalan berlubang di depan SDN 3",
        )
        trash = factories.ticket(
            session=session, category="sampah", region="pringsewu", description="sampah di pasar"
        )
        old = factories.ticket(
            session=session, category="sampah", region="metro", now=now - timedelta(days=3)
        )
        done = factories.ticket(
            session=session, category="sampah", region="metro", status="forwarded", agency="dlh"
        )
        road_n, trash_n, old_n, done_n = road.number, trash.number, old.number, done.number
    admin = logged_in(make_account("admin"))

    def shown(**params: str) -> set[str]:
        return set(_numbers(admin.get("/petugas/", params=params).text))

    assert shown(kategori="jalan_rusak") == {road_n}
    assert shown(wilayah="pringsewu") == {trash_n}
    # An agency: the tickets it holds, and those waiting that are suggested for it.
    assert shown(instansi="dlh") == {trash_n, old_n, done_n}
    assert shown(instansi="dlh", status="forwarded") == {done_n}
    assert shown(status="new", kategori="sampah") == {trash_n, old_n}
    assert shown(terlambat="1") == {old_n}
    assert shown(q="berlubang") == {road_n}
    assert shown(q=trash_n) == {trash_n}
    assert shown(q="tidak ada kata ini") == set()


def test_pages_follow_each_other_without_gaps_or_repeats(make_account: MakeAccount) -> None:
    with transaction() as session:
        made = [
            factories.ticket(session=session, region="metro", alert=False).number
            for _ in range(PAGE_SIZE + 5)
        ]
    operator = logged_in(make_account("operator", region="metro"))
    first = operator.get("/petugas/").text
    link = re.search(r'href="/petugas/\?([^"]*setelah=[^"]+)"', first)
    assert link, "no link to the next page"
    second = operator.get("/petugas/?" + link.group(1).replace("&amp;", "&")).text
    seen = _numbers(first) + _numbers(second)
    assert sorted(seen) == sorted(made) and len(set(seen)) == len(made)
    assert "Perlu segera" not in second  # the urgent list is on the first page only
    broken = operator.get("/petugas/", params={"setelah": "rusak"})
    assert broken.status_code == 200 and "Halaman antrean tidak valid" in broken.text


def test_the_refresh_fragment_brings_a_new_ticket(make_account: MakeAccount) -> None:
    operator = logged_in(make_account("operator", region="metro"))
    page = operator.get("/petugas/").text
    assert 'hx-trigger="every 20s"' in page
    with transaction() as session:
        number = factories.ticket(session=session, region="metro").number
    fragment = operator.get("/petugas/", headers={"HX-Request": "true"}).text
    assert "<html" not in fragment and number in fragment


def test_citizen_text_is_escaped(make_account: MakeAccount) -> None:
    with transaction() as session:
        number = factories.ticket(
            session=session, region="metro", description='<script>alert("x")</script> jalan'
        ).number
    operator = logged_in(make_account("operator", region="metro"))
    for html in (operator.get("/petugas/").text, operator.get(f"/petugas/tiket/{number}").text):
        assert "<script>alert" not in html and "&lt;script&gt;alert" in html
