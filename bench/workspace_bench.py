"""Staff workspace page times (issues 17 and 18): `python -m bench.workspace_bench`.

A fresh PostgreSQL database first lives through bench.sla_simulation's month (a
month of reports worked through the real workflow and SLA sweeps: forwards,
rejections, re-routes, resolutions, escalations), then bench.fill grows it to
WORKSPACE_TICKETS (default 100,000) tickets over the past year. Staff log in and
each page is requested ROUNDS times through the project's ASGI app in process
(Starlette's TestClient: the server's time, routing, session check, queries and
rendering, without a network): the queue (first page with its "perlu segera" list,
the next page, the htmx refresh, a filter, a text search) for the operator of the
busiest region, for an agency and for an admin (the whole province), the ticket
page of tickets in scope, and for the admin the leaders' dashboard of the simulated
month, its map data and the sanctions list of the month; the dashboard of the whole
year (every ticket) and the XLSX download are timed but have no target. Prints a
markdown table of p50 / p95 and the targets (p50 under 100 ms for the staff pages,
300 ms for the leaders' pages of the simulated month).
"""

from __future__ import annotations

import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from sqlalchemy import func, select

from bench.common import use_database
from bench.fill import fill
from bench.scale_ops import QUEUE_REGION
from tickets.reference import upgrade

TICKETS = int(os.environ.get("WORKSPACE_TICKETS", "100000"))
ROUNDS = 40
TARGET_MS = 100.0
LEADERS_TARGET_MS = 300.0
MONTH = "dari=2026-11-02&sampai=2026-12-01"  # bench.sla_simulation's START, 30 days
YEAR = "dari=2025-12-04&sampai=2026-12-03"  # the fill's year up to bench day
LEADERS_PAGES = (
    "leaders' dashboard, simulated month",
    "leaders' map data, simulated month",
    "sanctions list, simulated month",
)
# Timed and shown, but outside the page targets: a download, and the dashboard of a
# whole year in which every one of the tickets falls (the stress case).
UNTARGETED = (
    "leaders' dashboard, 365 days (every ticket; no target)",
    "sanctions list as XLSX, simulated month (a download; no target)",
)
PASSWORD = "kata-sandi-bench-1"
NEXT_PAGE = re.compile(r'href="/petugas/\?([^"]*setelah=[^"]+)"')


def _note(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _accounts() -> dict[str, str]:
    """E-mail and password for an operator, an agency user and an admin of the fill."""
    from core.db import transaction
    from tickets.accounts import set_password
    from tickets.models import StaffUser, Ticket

    with transaction() as session:
        busiest_agency = session.execute(
            select(Ticket.agency_code, func.count())
            .where(Ticket.agency_code.is_not(None))
            .group_by(Ticket.agency_code)
            .order_by(func.count().desc())
            .limit(1)
        ).one()[0]
        wanted = {
            "operator": (StaffUser.role == "operator") & (StaffUser.region_code == QUEUE_REGION),
            "agency": (StaffUser.role == "agency") & (StaffUser.agency_code == busiest_agency),
            "admin": StaffUser.role == "admin",
        }
        emails = {}
        for name, condition in wanted.items():
            query = select(StaffUser).where(condition).order_by(StaffUser.id)
            user = session.scalars(query).first()
            if user is None:  # the fill has no admin: the province's is made here
                user = StaffUser(name="Admin", role="admin", active=True)
                session.add(user)
            user.email = f"bench-{name}@lampungprov.go.id"
            session.flush()
            set_password(session=session, user=user, password=PASSWORD)
            emails[name] = user.email
        return emails


def _timed(call: Callable[[], object]) -> tuple[float, float]:
    call()  # warm-up
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def _pages(email: str, rng: random.Random, dashboards: bool) -> dict[str, tuple[float, float]]:
    from starlette.testclient import TestClient

    from bot.web import create_app
    from tests.support.workspace_client import log_in

    client = TestClient(create_app(), follow_redirects=False)
    assert log_in(client, email, PASSWORD).status_code == 303

    def get(path: str, **headers: str) -> str:
        answer = client.get(path, headers=headers)
        assert answer.status_code == 200, (path, answer.status_code)
        return answer.text

    first = get("/petugas/")
    numbers = sorted(set(re.findall(r'data-nomor="(LPG-\d{4}-\d{6})"', first)))
    following = NEXT_PAGE.search(first)
    results = {
        "queue, first page": _timed(lambda: get("/petugas/")),
        "queue, htmx refresh": _timed(lambda: get("/petugas/", **{"HX-Request": "true"})),
        "queue, all statuses, one category": _timed(
            lambda: get("/petugas/?status=semua&kategori=jalan_rusak")
        ),
        "queue, overdue only": _timed(lambda: get("/petugas/?terlambat=1")),
        "queue, text search": _timed(lambda: get("/petugas/?q=lubang")),
    }
    if following:
        second = "/petugas/?" + following.group(1).replace("&amp;", "&")
        results["queue, next page"] = _timed(lambda: get(second))
    if numbers:
        results["ticket page"] = _timed(lambda: get(f"/petugas/tiket/{rng.choice(numbers)}"))
    if dashboards:
        leaders = {
            LEADERS_PAGES[0]: f"/petugas/pimpinan/?{MONTH}",
            LEADERS_PAGES[1]: f"/petugas/pimpinan/peta.json?{MONTH}",
            LEADERS_PAGES[2]: f"/petugas/pimpinan/sanksi?{MONTH}",
            UNTARGETED[0]: f"/petugas/pimpinan/?{YEAR}",
            UNTARGETED[1]: f"/petugas/pimpinan/sanksi.xlsx?{MONTH}",
        }
        for name, path in leaders.items():
            results[name] = _timed(partial(get, path))
    return results


def bench_workspace(database_url: str) -> dict[str, dict[str, tuple[float, float]]]:
    from bench.sla_simulation import Simulation

    with tempfile.TemporaryDirectory() as tmp:
        upgrade(database_url)
        month = Simulation(days=30, per_day=60, seed=7, database_url=database_url).run()
        _note(f"simulated month: {month['tickets']} tickets in {month['seconds']} s")
        grown = fill(TICKETS, seed=17, database_url=database_url, progress=_note)
        _note(f"filled {TICKETS} tickets in {grown.seconds:.0f} s")
        use_database(database_url, Path(tmp))
        rng = random.Random(17)
        return {who: _pages(email, rng, who == "admin") for who, email in _accounts().items()}


def markdown(results: dict[str, dict[str, tuple[float, float]]]) -> str:
    lines = ["| page | user | p50 | p95 |", "| --- | --- | --- | --- |"]
    slowest = {False: 0.0, True: 0.0}  # staff pages, leaders' pages
    for who, pages in results.items():
        for page, (p50, p95) in pages.items():
            lines.append(f"| {page} | {who} | {p50:.1f} ms | {p95:.1f} ms |")
            if page not in UNTARGETED:
                leaders = page in LEADERS_PAGES
                slowest[leaders] = max(slowest[leaders], p50)
    lines.append("")
    for leaders, label, target in (
        (False, "staff page", TARGET_MS),
        (True, "leaders' page", LEADERS_TARGET_MS),
    ):
        verdict = "met" if slowest[leaders] < target else "NOT met"
        lines.append(
            f"- {verdict}: every {label}'s p50 under {target:.0f} ms with "
            f"{TICKETS:,} tickets (slowest p50 {slowest[leaders]:.1f} ms)"
        )
    return "\n".join(lines) + "\n"


def workspace_markdown() -> str:
    from bench.run import with_postgres

    found: dict[str, dict[str, dict[str, tuple[float, float]]]] = {}
    error = with_postgres(lambda url: found.update(done=bench_workspace(url)) or [])
    return markdown(found["done"]) if "done" in found else f"{error}\n"


def main() -> int:
    print(workspace_markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
