"""The nearby-duplicate check is an index range scan on both backends, never a
scan of every open ticket (issue 15: its cost must not grow with the province's
tickets)."""

from __future__ import annotations

from core.db import transaction
from tests import factories
from tests.support.query_plans import analyze, full_scans, plan_of
from tickets.duplicates import nearby_query

CATEGORIES = ("sampah", "jalan_rusak", "penerangan_jalan", "banjir_drainase")


def test_the_nearby_check_uses_its_index(db: str) -> None:
    with transaction() as session:
        # Several categories and places, so statistics exist and the status index
        # (every one of them open) is clearly the worse choice, whatever dead rows
        # earlier tests left in the table and its indexes.
        for i in range(200):
            factories.ticket(session=session, category=CATEGORIES[i % len(CATEGORIES)],
                             latitude=-5.40 + i / 1000, longitude=105.26, alert=False)  # fmt: skip
        analyze(session)
        plan = plan_of(session, nearby_query("sampah", -5.41, 105.26, 100.0))
    assert "ix_ticket_nearby" in plan, plan
    assert not full_scans(plan), plan


def test_a_full_scan_is_seen() -> None:
    assert full_scans("SCAN ticket") == {"ticket"}
    assert full_scans("SEARCH ticket USING INDEX ix_ticket_nearby (category=?)") == set()
    assert full_scans("Seq Scan on ticket  (cost=10000000000.00..)") == {"ticket"}
    assert full_scans("SCAN ticket USING INDEX ix_ticket_created_at") == {"ticket"}
    assert full_scans("SCAN CONSTANT ROW") == set()
    served = "Index Scan using ix_ticket_nearby on ticket\n  Index Cond: (category = 'x')"
    assert full_scans(served) == set()
    # Walking a whole index for its order, the condition only a filter: a full scan.
    walked = (
        "Limit\n  ->  Index Scan Backward using ix_ticket_created_at on ticket\n"
        "        Filter: (citizen_id = 5)\n"
        "  ->  Index Scan using pk_citizen on citizen\n        Index Cond: (id = 5)"
    )
    assert full_scans(walked) == {"ticket"}
    # A condition on the second column of (ticket_id, citizen_id) walks all of it.
    second = "Index Only Scan using uq_s on ticket_supporter\n  Index Cond: (citizen_id = 1)"
    assert full_scans(second, {"uq_s": "ticket_id"}) == {"ticket_supporter"}
    assert full_scans(second, {"uq_s": "citizen_id"}) == set()
