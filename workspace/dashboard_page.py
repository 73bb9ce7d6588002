"""The leaders' dashboard (/petugas/pimpinan/): for a period, per kabupaten/kota and
per OPD, the service-level figures (tickets/oversight.py) ranked, and the IKM per
OPD (tickets/ikm.py). Leaders and admins see the province, a coordinator their
kabupaten/kota; the same period form as the sanctions list."""

from __future__ import annotations

from starlette.responses import Response

from core.timestamps import utcnow, wib_days
from tickets.enums import StaffRole
from tickets.ikm import report as ikm_report
from tickets.oversight import oversight
from workspace.sanctions_page import period_of
from workspace.web import OVERSIGHT, Ctx, page


@page(roles=OVERSIGHT)
def dashboard(ctx: Ctx) -> Response:
    first, last, problem = period_of(ctx)
    start, end = wib_days(first, last)
    region = ctx.staff.region_code if ctx.staff.role == StaffRole.COORDINATOR else None
    figures = oversight(session=ctx.session, start=start, end=end, now=utcnow(), region=region)
    ikm = {row.agency: row for row in ikm_report(session=ctx.session, start=start, end=end)}
    return ctx.render(
        "dashboard.html", figures=figures, ikm=ikm, first=first, last=last, error=problem
    )
