"""`status` and `cek` read the tickets a citizen follows through indexes on both
backends, never by reading every ticket or support (issue 15: per-message cost must
not grow with the province's tickets)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import Select, insert, select

from core.db import transaction
from tests import factories
from tests.support.query_plans import analyze, full_scans, plan_of
from tickets.duplicates import add_supporter
from tickets.following import number_query, own_query, own_seq_query, supported_query
from tickets.models import Ticket, TicketSupporter

# Enough rows that reading a whole table or index costs more than a look-up.
FILLER = 3000


def _whole_index_reads(plan: str) -> list[str]:
    """Index scans without a condition: a whole index read in key order (SQLite's
    "SCAN t USING INDEX", a PostgreSQL Index Scan with no Index Cond)."""
    lines = plan.splitlines()
    found = [line for line in lines if re.search(r"\bSCAN \w+ USING (COVERING )?INDEX", line)]
    for i, line in enumerate(lines):
        if re.search(r"\bIndex (Only )?Scan\b", line) and "Bitmap" not in line:
            details = []
            for later in lines[i + 1 :]:
                if "->" in later:
                    break
                details.append(later)
            if not any("Index Cond" in d for d in details):
                found.append(line.strip())
    return found


def _filler(session: Any, citizens: list[int]) -> None:
    """Other citizens' tickets and supports, written in bulk."""
    session.execute(insert(Ticket), [
        {"number": f"LPG-2025-{seq:06d}", "year": 2025, "seq": seq, "status": "new",
         "category": "sampah", "description": "sampah", "latitude": -5.4, "longitude": 105.2,
         "location_source": "pin", "confidential": False,
         "citizen_id": citizens[seq % len(citizens)], "version": 1}
        for seq in range(1, FILLER + 1)
    ])  # fmt: skip
    ids = session.scalars(select(Ticket.id).where(Ticket.year == 2025)).all()
    session.execute(insert(TicketSupporter), [
        {"ticket_id": ticket_id, "citizen_id": citizens[(i + 1) % len(citizens)]}
        for i, ticket_id in enumerate(ids[: FILLER // 2])
    ])  # fmt: skip


@pytest.mark.parametrize(
    ("name", "index"),
    [
        ("own", "ix_ticket_citizen_seq"),
        ("supported", "ix_ticket_supporter_citizen_id"),
        ("number", None),  # the unique constraint's index (SQLite names it itself)
        ("own sequence number", "ix_ticket_citizen_seq"),
    ],
)
def test_followed_tickets_are_index_look_ups(db: str, name: str, index: str | None) -> None:
    with transaction() as session:
        me = factories.citizen(session=session)
        mine = [factories.ticket(session=session, citizen=me, alert=False) for _ in range(6)]
        _filler(session, [factories.citizen(session=session).id for _ in range(20)])
        for other in session.scalars(select(Ticket).where(Ticket.year == 2025).limit(3)):
            add_supporter(session=session, ticket=other, citizen=me)
        analyze(session)
        queries: dict[str, Select[Any]] = {
            "own": own_query(me.id, 50),
            "supported": supported_query(me.id, 50),
            "number": number_query(mine[2].number),
            "own sequence number": own_seq_query(me.id, mine[2].seq),
        }
        plan = plan_of(session, queries[name])
    assert not full_scans(plan), plan
    assert not _whole_index_reads(plan), plan
    if index is not None:
        assert index in plan, plan


def test_a_whole_index_read_is_seen() -> None:
    assert _whole_index_reads("SCAN ticket USING INDEX ix_ticket_created_at")
    assert not _whole_index_reads("SEARCH ticket USING INDEX ix_ticket_citizen_seq (citizen_id=?)")
    unconditioned = "->  Index Scan Backward using pk_ticket on ticket  (cost=0.14..13.86)\n"
    assert _whole_index_reads(unconditioned + "->  Materialize")
    looked_up = "->  Index Scan using pk_ticket on ticket\n      Index Cond: (id = 3)"
    assert not _whole_index_reads(looked_up)
