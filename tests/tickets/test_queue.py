"""Staff lists a page at a time (tickets/queue.py, issue 15): keyset pages walk the
whole list once, in the viewer's scope, through an index without sorting a region."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.cli import main
from core.db import transaction
from knowledge.agencies import all_agencies
from knowledge.regions import all_regions
from tests import factories
from tests.support.query_plans import analyze, full_scans, plan_of
from tickets.models import Citizen, Ticket
from tickets.queue import decode_cursor, page_query, queue_page
from tickets.scope import visible_filter
from tickets.statuses import all_statuses

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
# (region, agency, status) of the rows made below, in turn.
KINDS = (
    ("bandar_lampung", None, "new"),
    ("bandar_lampung", "dlh", "forwarded"),
    ("metro", None, "new"),
    ("bandar_lampung", "dlh", "resolved"),
    ("metro", "dlh", "in_progress"),
)


def _rows(session: Session, count: int, *, same_time_every: int = 3, start: datetime = T0) -> None:
    """`count` tickets of varied region, agency and status; every `same_time_every`
    share one created_at (a busy second), so the sort key needs the id."""
    citizen = Citizen(display_name="warga")
    session.add(citizen)
    first = int(session.scalar(select(func.count()).select_from(Ticket)) or 0) + 20_000
    for n in range(count):
        region, agency, status = KINDS[n % len(KINDS)]
        created = start + timedelta(minutes=n // same_time_every)
        session.add(Ticket(
            number=f"LPG-2026-{first + n:06d}", year=2026, seq=first + n, category="sampah",
            description=f"sampah {n}", latitude=-5.43, longitude=105.26, citizen=citizen,
            region_code=region, agency_code=agency, suggested_agency_code="dlh",
            status=status, created_at=created, updated_at=created,
            forward_due_at=created + timedelta(days=1),
        ))  # fmt: skip
    session.flush()


def _expected(session: Session, *where: object) -> list[str]:
    query = select(Ticket.number).order_by(Ticket.created_at.desc(), Ticket.id.desc())
    return list(session.scalars(query.where(*where)))  # type: ignore[arg-type]


def _walk(session: Session, size: int, **kwargs: object) -> list[str]:
    seen: list[str] = []
    after = None
    for _ in range(100):
        page = queue_page(session=session, after=after, limit=size, **kwargs)  # type: ignore[arg-type]
        assert len(page.items) <= size
        seen += [row.number for row in page.items]
        if page.next is None:
            return seen
        after = page.next
    raise AssertionError("the pages never end")


def test_pages_walk_the_whole_list_once_newest_first(db: str) -> None:
    with transaction() as session:
        _rows(session, 40)
        everything = _expected(session)
        for size in (1, 3, 7, 40, 41):
            assert _walk(session, size) == everything, size
        assert _walk(session, 4, status="new") == _expected(session, Ticket.status == "new")
        open_ = ("new", "forwarded", "in_progress")
        assert _walk(session, 4, status=open_) == _expected(session, Ticket.status.in_(open_))
        # A ticket filed while someone pages is newer than every cursor: no shift.
        first = queue_page(session=session, limit=5)
        _rows(session, 3, start=T0 + timedelta(days=1))
        rest = _walk_from(session, first.next)
        assert [r.number for r in first.items] + rest == everything


def _walk_from(session: Session, after: str | None) -> list[str]:
    seen: list[str] = []
    while after is not None:
        page = queue_page(session=session, after=after, limit=6)
        seen += [row.number for row in page.items]
        after = page.next
    return seen


def test_pages_keep_to_the_viewers_scope(db: str) -> None:
    with transaction() as session:
        _rows(session, 30)
        metro_operator = factories.staff(session=session, role="operator", region="metro")
        dlh_bdl = factories.staff(session=session, role="agency", agency="dlh",
                                  region="bandar_lampung")  # fmt: skip
        retired = factories.staff(session=session, role="leader", active=False)
        metro = _walk(session, 4, where=visible_filter(metro_operator))
        assert metro == _expected(session, Ticket.region_code == "metro") and metro
        dlh = _walk(session, 4, where=visible_filter(dlh_bdl), status="forwarded")
        mine = (Ticket.region_code == "bandar_lampung", Ticket.agency_code == "dlh")
        assert dlh == _expected(session, *mine, Ticket.status == "forwarded") and dlh
        assert _walk(session, 4, where=visible_filter(retired)) == []
        [row] = queue_page(session=session, where=visible_filter(metro_operator), status="new",
                           limit=1).items  # fmt: skip
        assert row.region_code == "metro" and row.due_at == row.forward_due_at is not None


def test_a_cursor_is_opaque_and_checked(db: str) -> None:
    with transaction() as session:
        _rows(session, 3)
        cursor = queue_page(session=session, limit=1).next
        assert cursor is not None and "|" not in cursor
        assert decode_cursor(cursor)[1] > 0
        for bad in ("", "bm9wZQ", "%%%"):
            with pytest.raises(ValueError):
                queue_page(session=session, after=bad)


def _plan(session: Session, **kwargs: object) -> str:
    # A page well under the matching rows, as in a province's database (with fewer
    # matches than a page, sorting them all is the cheaper plan, and rightly chosen).
    return plan_of(session, page_query(limit=5, after=_a_cursor(session), **kwargs))  # type: ignore[arg-type]


def _a_cursor(session: Session) -> str:
    cursor = queue_page(session=session, limit=2).next
    assert cursor is not None
    return cursor


def _sorts_rows(plan: str) -> bool:
    """A sort step in the plan (PostgreSQL's Sort node, SQLite's temp b-tree)."""
    return "TEMP B-TREE" in plan or any(
        line.strip().lstrip("-> ").startswith("Sort ") for line in plan.splitlines()
    )


def _spread(session: Session, count: int) -> None:
    """`count` tickets over the 15 regions and 8 agencies, most of them closed, as in
    a province's database (the planner weighs the indexes by such statistics)."""
    rng = random.Random(7)
    regions = [r.code for r in all_regions()]
    agencies = [a.code for a in all_agencies()][:8]
    statuses = ["resolved"] * 50 + ["closed"] * 20 + ["rejected"] * 4 + ["withdrawn"] * 2
    statuses += ["new", "forwarded", "in_progress"] * 8
    citizen = Citizen(display_name="warga")
    session.add(citizen)
    for n in range(count):
        created = T0 + timedelta(minutes=n)
        session.add(Ticket(
            number=f"LPG-2026-{n + 1:06d}", year=2026, seq=n + 1, category="sampah",
            description="sampah", latitude=-5.43, longitude=105.26, citizen=citizen,
            region_code=rng.choice(regions), agency_code=rng.choice(agencies),
            status=rng.choice(statuses), created_at=created, updated_at=created,
        ))  # fmt: skip
    session.flush()


def test_a_page_of_one_status_is_an_index_range_without_a_sort(db: str) -> None:
    with transaction() as session:
        _spread(session, 3000)
        analyze(session)
        region = _plan(session, where=Ticket.region_code == "bandar_lampung", status="new")
        assert "ix_ticket_region_queue" in region, region
        assert not full_scans(region) and not _sorts_rows(region), region
        agency = _plan(session, where=Ticket.agency_code == "dlh", status="in_progress")
        assert "ix_ticket_agency_queue" in agency, agency
        assert not full_scans(agency) and not _sorts_rows(agency), agency
        everyone = _plan(session, status="withdrawn")
        assert "ix_ticket_status_created" in everyone, everyone
        assert not full_scans(everyone) and not _sorts_rows(everyone), everyone
        # All statuses: one such range per status, each cut to a page, then merged
        # (what is sorted is those pages); the table is never read whole.
        merged = _plan(session, where=Ticket.region_code == "metro")
        # (A status no ticket has yet may be read by its status index instead.)
        ranges = merged.count("ix_ticket_region_queue") + merged.count("ix_ticket_status_created")
        assert ranges == len(all_statuses()), merged
        assert "ticket" not in full_scans(merged), merged


def test_the_cli_prints_a_page_and_the_cursor_of_the_next(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with transaction() as session:
        _rows(session, 5)
        numbers = _expected(session)
    assert main(["tickets", "list", "--limit", "3"]) == 0
    out, err = capsys.readouterr()
    assert [line.split()[0] for line in out.splitlines()] == numbers[:3]
    assert "Halaman berikutnya: --after " in err
    cursor = err.strip().rsplit(" ", 1)[-1]
    assert main(["tickets", "list", "--limit", "3", "--after", cursor, "--json"]) == 0
    out, err = capsys.readouterr()
    assert [t["number"] for t in json.loads(out)] == numbers[3:] and err == ""
    assert main(["tickets", "list", "--after", "rusak"]) == 1
    assert "Kursor --after tidak dikenal" in capsys.readouterr().err


def test_the_work_queue_pages_oldest_first(db: str) -> None:
    open_ = ("new", "forwarded", "in_progress")
    with transaction() as session:
        _rows(session, 30)
        oldest = list(reversed(_expected(session, Ticket.status.in_(open_))))
        for size in (1, 4, 30):
            assert _walk(session, size, status=open_, oldest_first=True) == oldest, size
        assert _walk(session, 2, status="new", oldest_first=True) == list(
            reversed(_expected(session, Ticket.status == "new"))
        )


def test_the_work_queue_of_a_region_reads_its_index_ranges(db: str) -> None:
    """What `tickets queue` asks: a region's open tickets, oldest first, one index
    range per open status (each cut to a page), never the region's whole history."""
    with transaction() as session:
        _spread(session, 3000)
        analyze(session)
        plan = plan_of(session, page_query(where=Ticket.region_code == "metro",
                                           status=("new", "forwarded", "in_progress"),
                                           oldest_first=True))  # fmt: skip
        assert plan.count("ix_ticket_region_queue") == 3, plan
        assert "ticket" not in full_scans(plan), plan


def test_the_queue_cli_pages_a_regions_open_tickets_oldest_first(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with transaction() as session:
        _rows(session, 10)
        open_ = Ticket.status.in_(("new", "forwarded", "in_progress"))
        oldest = list(reversed(_expected(session, open_, Ticket.region_code == "bandar_lampung")))
    assert main(["tickets", "queue", "--region", "bandar_lampung", "--limit", "2"]) == 0
    out, err = capsys.readouterr()
    assert [line.split()[0] for line in out.splitlines()] == oldest[:2]
    cursor = err.strip().rsplit(" ", 1)[-1]
    args = ["tickets", "queue", "--region", "bandar_lampung", "--after", cursor, "--json"]
    assert main(args) == 0
    assert [t["number"] for t in json.loads(capsys.readouterr().out)] == oldest[2:]
