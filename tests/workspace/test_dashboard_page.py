"""The leaders' dashboard (/petugas/pimpinan/) on a fixture counted by hand.

Kota Metro, filed 3 days ago: A forwarded after 2 h (on time) and resolved 10 h
later (on time, rated 4); B forwarded after 30 h (late: 24 h deadline); C never
forwarded (open, overdue); D rejected. Forwarded within 24 h: 1 of 2 = 50 %;
resolved within 3x24 h: 1 of 1 = 100 %; median forwarding 16 h ((2 + 30) / 2).
"""

from __future__ import annotations

from datetime import timedelta

from core.db import transaction
from core.timestamps import utcnow
from tests import factories
from tests.support.workspace_client import logged_in
from tests.workspace.conftest import MakeAccount
from tickets.models import Ticket
from tickets.oversight import oversight
from tickets.workflow import Request, perform


def _fixture() -> None:
    filed = utcnow() - timedelta(days=3)
    with transaction() as session:
        operator = factories.staff(session=session, region="metro")
        agency = factories.staff(session=session, role="agency", agency="dlh")
        a, b, _c, d = (
            factories.ticket(session=session, category="sampah", region="metro", now=filed)
            for _ in range(4)
        )
        perform(
            session=session,
            ticket=a,
            action="forward",
            actor=operator,
            request=Request(agency="dlh"),
            now=filed + timedelta(hours=2),
        )
        perform(
            session=session,
            ticket=a,
            action="resolve",
            actor=agency,
            request=Request(note="Sudah diangkut."),
            now=filed + timedelta(hours=12),
        )
        a.rating = 4
        perform(
            session=session,
            ticket=b,
            action="forward",
            actor=operator,
            request=Request(agency="dlh"),
            now=filed + timedelta(hours=30),
        )
        perform(
            session=session,
            ticket=d,
            action="reject",
            actor=operator,
            request=Request(reason="Bukan pengaduan."),
            now=filed + timedelta(hours=1),
        )


def test_the_figures_counted_by_hand(db: str) -> None:
    _fixture()
    now = utcnow()
    with transaction() as session:
        found = oversight(session=session, start=now - timedelta(days=7), end=now, now=now)
        assert session.query(Ticket).count() == 4
    [metro] = found.regions
    assert (metro.key, metro.filed, metro.forwarded, metro.forwarded_on_time) == ("metro", 4, 2, 1)
    assert metro.forwarded_on_time_pct == 50.0 and metro.resolved_on_time_pct == 100.0
    assert metro.median_forward_hours == 16.0 and metro.median_resolve_hours == 10.0
    assert metro.rejected == 1 and metro.rating == 4.0
    assert metro.backlog == 2  # B (forwarded) and C (new)
    assert metro.overdue == 1  # C: its 24 hours passed two days ago
    [dlh] = found.agencies
    assert (dlh.key, dlh.forwarded, dlh.resolved) == ("dlh", 2, 1)
    assert found.total.filed == 4


def test_the_dashboard_page_for_leaders_and_coordinators(make_account: MakeAccount) -> None:
    _fixture()
    leader = logged_in(make_account("leader"))
    html = leader.get("/petugas/pimpinan/").text
    assert "Kinerja penanganan laporan" in html and "Kota Metro" in html
    assert "50.0% (1/2)" in html and "100.0% (1/1)" in html and "16.0 jam" in html
    assert "Dinas Lingkungan Hidup" in html
    coordinator = logged_in(make_account("coordinator", region="pringsewu"))
    assert "Kota Metro" not in coordinator.get("/petugas/pimpinan/").text
    operator = logged_in(make_account("operator", region="metro"))
    assert operator.get("/petugas/pimpinan/").status_code == 403


def test_the_trend_and_the_map_data(make_account: MakeAccount) -> None:
    _fixture()
    with transaction() as session:
        factories.ticket(session=session, category="pungli", region="pringsewu",
                         confidential=True)  # fmt: skip
    leader = logged_in(make_account("leader"))
    html = leader.get("/petugas/pimpinan/").text
    assert 'id="tren-data"' in html and "chart.umd.min.js" in html
    assert "leaflet.markercluster.js" in html and "Angka per minggu" in html
    data = leader.get("/petugas/pimpinan/peta.json").json()
    assert len(data["titik"]) == 5
    assert data["kategori"]["pungli"] and not data["terpotong"]
    assert {row[3] for row in data["titik"]} <= set(data["status"])
    assert "new" in data["terbuka"]
    coordinator = logged_in(make_account("coordinator", region="pringsewu"))
    [only] = coordinator.get("/petugas/pimpinan/peta.json").json()["titik"]
    assert only[2] == "pungli"


def test_the_ikm_per_agency_with_its_elements(make_account: MakeAccount) -> None:
    from tickets.ikm import elements, record_answer

    with transaction() as session:
        ticket = factories.ticket(session=session, status="resolved", agency="dlh")
        for i, element in enumerate(elements()):
            record_answer(session=session, ticket=ticket, element=element.code,
                          score=4 if i else 3)  # fmt: skip
    html = logged_in(make_account("leader")).get("/petugas/pimpinan/").text
    section = html.split("Indeks Kepuasan Masyarakat (IKM) per instansi")[1]
    assert "Dinas Lingkungan Hidup" in section and "1 dari minimal 1" in section
    assert ">3.00<" in section and ">4.00<" in section
    assert "97.22" in section and "A (Sangat baik)" in section  # (3 + 8 x 4) / 9 x 25
