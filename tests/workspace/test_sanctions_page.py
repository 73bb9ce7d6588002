"""The sanctions list (/petugas/pimpinan/sanksi): every missed deadline with the team
or agency responsible, as a page, CSV and XLSX; leaders and admins see the province,
coordinators their region; no reporter ever."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from core.db import transaction
from core.timestamps import utcnow
from tests import factories
from tests.support.workspace_client import logged_in
from tests.workspace.conftest import MakeAccount
from tickets.sweep import sweep

PAGE = "/petugas/pimpinan/sanksi"


def _late_tickets() -> dict[str, str]:
    now = utcnow()
    with transaction() as session:
        factories.staff(session=session, region="metro", name="Rina Operator")
        metro = factories.ticket(session=session, region="metro", now=now - timedelta(hours=30))
        reporter = factories.citizen(session=session, name="Siti Pelapor", phone="081200001111")
        pungli = factories.ticket(session=session, citizen=reporter, category="pungli",
                                  region="pringsewu", now=now - timedelta(days=8),
                                  status="forwarded", agency="inspektorat")  # fmt: skip
        sweep(session=session, now=now)
        return {"metro": metro.number, "pungli": pungli.number}


def test_a_leader_sees_every_breach_with_who_was_responsible(make_account: MakeAccount) -> None:
    late = _late_tickets()
    leader = logged_in(make_account("leader"))
    html = leader.get(PAGE).text
    assert late["metro"] in html and late["pungli"] in html
    assert "Operator Kota Metro" in html and "Rina Operator" in html
    assert "Inspektorat" in html and "Tidak ditindaklanjuti dalam 3x24 jam" in html
    assert "Siti Pelapor" not in html and "081200001111" not in html


def test_the_list_downloads_as_csv_and_xlsx(make_account: MakeAccount) -> None:
    late = _late_tickets()
    admin = logged_in(make_account("admin"))
    answer = admin.get(f"{PAGE}.csv")
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    by_number = {r["nomor"]: r for r in rows}
    assert set(by_number) >= {late["metro"], late["pungli"]}
    assert by_number[late["metro"]]["penanggung_jawab"] == "Operator Kota Metro"
    assert int(by_number[late["metro"]]["terlambat_jam"]) >= 5
    book = load_workbook(io.BytesIO(admin.get(f"{PAGE}.xlsx").content))
    sheet = book.active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert str(values[0][0]).startswith("Daftar pelanggaran tenggat")
    assert values[1][0] == "nomor"
    assert {v[0] for v in values[2:]} == set(by_number)


def test_a_coordinator_sees_their_region_and_an_operator_nothing(
    make_account: MakeAccount,
) -> None:
    late = _late_tickets()
    coordinator = logged_in(make_account("coordinator", region="metro"))
    html = coordinator.get(PAGE).text
    assert late["metro"] in html and late["pungli"] not in html
    operator = logged_in(make_account("operator", region="metro"))
    assert operator.get(PAGE).status_code == 403
    assert operator.get(f"{PAGE}.csv").status_code == 403


def test_a_period_selects_the_breaches_recorded_in_it(make_account: MakeAccount) -> None:
    _late_tickets()
    leader = logged_in(make_account("leader"))
    long_ago = leader.get(PAGE, params={"dari": "2025-01-01", "sampai": "2025-01-31"}).text
    assert "Tidak ada pelanggaran pada periode ini" in long_ago
    assert "Periode tidak valid" in leader.get(PAGE, params={"dari": "kemarin"}).text


def test_the_summary_per_team_and_the_breaches_a_page_at_a_time(
    make_account: MakeAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workspace import sanctions_page

    monkeypatch.setattr(sanctions_page, "PAGE_ROWS", 2)
    now = utcnow()
    with transaction() as session:
        numbers = [
            factories.ticket(session=session, region="metro", now=now - timedelta(hours=30)).number
            for _ in range(3)
        ]
        sweep(session=session, now=now)
    leader = logged_in(make_account("leader"))
    first = leader.get(PAGE).text
    summary = first.split("Ringkasan per tim/instansi")[1].split("Rincian")[0]
    assert "Operator Kota Metro" in summary and "<strong>3</strong>" in summary
    assert "halaman 1 dari 2" in first and "halaman=2" in first
    second = leader.get(PAGE, params={"halaman": "2"}).text
    shown = [n for n in numbers if n in first.split("Rincian")[1]]
    assert len(shown) == 2 and [n for n in numbers if n in second] == [
        n for n in numbers if n not in shown
    ]
    assert "halaman 2 dari 2" in leader.get(PAGE, params={"halaman": "99"}).text
