"""The sanctions list for leaders (/petugas/pimpinan/sanksi): every missed deadline
of a period with the team or agency responsible (tickets/sanctions.py), on the page
and as CSV and XLSX downloads. Leaders and admins see the province, a coordinator
their kabupaten/kota. The page sums the breaches per team or agency first (who is
to be sanctioned for how many), then lists them a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from starlette.responses import Response

from core.timestamps import WIB, utcnow, wib_days
from tickets.enums import BreachKind, StaffRole
from tickets.sanctions import as_csv, as_xlsx, breaches
from tickets.texts import TEXTS as TICKET_TEXTS
from workspace.texts import text
from workspace.web import OVERSIGHT, Ctx, page

ROLES = OVERSIGHT
DEFAULT_DAYS = 30
# A month of a province can hold thousands of breaches: the page shows this many
# at a time under the per-team summary.
PAGE_ROWS = 200


def period_of(ctx: Ctx) -> tuple[date, date, str | None]:
    """The period of `?dari=&sampai=` (WIB days, both included); the last 30 days by default."""
    today = utcnow().astimezone(WIB).date()
    query = ctx.request.query_params
    try:
        first = date.fromisoformat(query["dari"]) if query.get("dari") else None
        last = date.fromisoformat(query["sampai"]) if query.get("sampai") else None
    except ValueError:
        return today - timedelta(days=DEFAULT_DAYS - 1), today, text("errors", "bad_period")
    last = last or today
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        return last, last, text("errors", "bad_period")
    return first, last, None


def _found(ctx: Ctx) -> tuple[date, date, str | None, list[Any]]:
    first, last, problem = period_of(ctx)
    start, end = wib_days(first, last)
    region = ctx.staff.region_code if ctx.staff.role == StaffRole.COORDINATOR else None
    return first, last, problem, breaches(session=ctx.session, start=start, end=end, region=region)


def _name(first: date, last: date, extension: str) -> str:
    return f"pelanggaran-{first.isoformat()}-{last.isoformat()}.{extension}"


@dataclass
class Team:
    """One responsible team or agency's breaches of the period, by kind."""

    name: str
    forward: int = 0
    act: int = 0

    @property
    def total(self) -> int:
        return self.forward + self.act


def _page_number(ctx: Ctx, pages: int) -> int:
    raw = ctx.request.query_params.get("halaman", "1")
    number = int(raw) if raw.isdigit() else 1
    return min(max(number, 1), max(pages, 1))


@page(roles=ROLES)
def sanctions(ctx: Ctx) -> Response:
    """The summary per team for sanctioning, then the breaches PAGE_ROWS at a time
    (every one is in the downloads)."""
    first, last, problem, found = _found(ctx)
    teams: dict[str, Team] = {}
    for breach in found:
        team = teams.setdefault(breach.responsible, Team(breach.responsible))
        if breach.kind == BreachKind.FORWARD:
            team.forward += 1
        else:
            team.act += 1
    pages = -(-len(found) // PAGE_ROWS)
    number = _page_number(ctx, pages)
    return ctx.render(
        "sanctions.html",
        breaches=found[(number - 1) * PAGE_ROWS : number * PAGE_ROWS],
        total=len(found),
        page_number=number,
        pages=pages,
        first=first,
        last=last,
        error=problem,
        teams=sorted(teams.values(), key=lambda t: (-t.total, t.name)),
        kinds={kind: TICKET_TEXTS.text("sanctions", f"kind_{kind}") for kind in BreachKind},
    )


@page(roles=ROLES)
def sanctions_csv(ctx: Ctx) -> Response:
    first, last, _, found = _found(ctx)
    return Response(
        as_csv(found).encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_name(first, last, "csv")}"'},
    )


@page(roles=ROLES)
def sanctions_xlsx(ctx: Ctx) -> Response:
    first, last, _, found = _found(ctx)
    title = TICKET_TEXTS.text(
        "sanctions", "title", dari=first.strftime("%d-%m-%Y"), sampai=last.strftime("%d-%m-%Y")
    )
    return Response(
        as_xlsx(found, title=title),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{_name(first, last, "xlsx")}"'},
    )
