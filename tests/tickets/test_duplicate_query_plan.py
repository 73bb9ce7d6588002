"""The nearby-duplicate check is an index range scan on both backends, never a
scan of every open ticket (issue 15: its cost must not grow with the province's
tickets)."""

from __future__ import annotations

from core.db import transaction
from tests import factories
from tests.support.query_plans import analyze, full_scans, plan_of
from tickets.duplicates import nearby_query


def test_the_nearby_check_uses_its_index(db: str) -> None:
    with transaction() as session:
        for i in range(40):  # several categories and places, so statistics exist
            factories.ticket(session=session, category=("sampah", "jalan_rusak")[i % 2],
                             latitude=-5.40 + i / 1000, longitude=105.26)  # fmt: skip
        analyze(session)
        plan = plan_of(session, nearby_query("sampah", -5.41, 105.26, 100.0))
    assert "ix_ticket_nearby" in plan, plan
    assert not full_scans(plan), plan


def test_a_full_scan_is_seen() -> None:
    assert full_scans("SCAN ticket") == {"ticket"}
    assert full_scans("SEARCH ticket USING INDEX ix_ticket_nearby (category=?)") == set()
    assert full_scans("Seq Scan on ticket  (cost=10000000000.00..)") == {"ticket"}
    assert full_scans("Index Scan using ix_ticket_nearby on ticket") == set()
