"""The leaders' dashboard (/petugas/pimpinan/): for a period, per kabupaten/kota and
per OPD, the service-level figures (tickets/oversight.py) ranked, the IKM per OPD
(tickets/ikm.py), the weekly trend (tickets/trends.py, drawn by Chart.js) and the
map of reports by category and status (tickets/report_map.py, clustered by
Leaflet.markercluster from /petugas/pimpinan/peta.json). Leaders and admins see the
province, a coordinator their kabupaten/kota; the same period form as the
sanctions list. The tables carry every figure: the chart and the map add to them."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from core.timestamps import utcnow, wib_days
from tickets.enums import StaffRole
from tickets.ikm import elements
from tickets.ikm import report as ikm_report
from tickets.oversight import oversight
from tickets.report_map import points
from tickets.statuses import all_statuses, status_label
from tickets.trends import weekly
from workspace.render import agency_name, category_label
from workspace.sanctions_page import period_of
from workspace.web import OVERSIGHT, Ctx, page


def _region(ctx: Ctx) -> str | None:
    return ctx.staff.region_code if ctx.staff.role == StaffRole.COORDINATOR else None


@page(roles=OVERSIGHT)
def dashboard(ctx: Ctx) -> Response:
    first, last, problem = period_of(ctx)
    start, end = wib_days(first, last)
    region = _region(ctx)
    figures = oversight(session=ctx.session, start=start, end=end, now=utcnow(), region=region)
    ikm_rows = ikm_report(session=ctx.session, start=start, end=end)
    if region is not None:  # a coordinator: the agencies that served the region
        ikm_rows = [r for r in ikm_rows if r.agency in {f.key for f in figures.agencies}]
    ikm = {row.agency: row for row in ikm_rows}
    agency_names = {f.key: f.name for f in figures.agencies}
    agency_names.update({r.agency: agency_name(r.agency) for r in ikm_rows
                         if r.agency and r.agency not in agency_names})  # fmt: skip
    weeks = weekly(session=ctx.session, start=start, end=end, first=first, last=last,
                   region=region)  # fmt: skip
    trend = {
        "minggu": [w.start.isoformat() for w in weeks],
        "masuk": [w.filed for w in weeks],
        "diteruskan_tepat": [w.forwarded_on_time_pct for w in weeks],
        "selesai_tepat": [w.resolved_on_time_pct for w in weeks],
    }
    return ctx.render("dashboard.html", figures=figures, ikm=ikm, weeks=weeks, trend=trend,
                      ikm_rows=ikm_rows, ikm_elements=elements(), agency_names=agency_names,
                      first=first, last=last, error=problem,
                      tiles=ctx.settings.workspace_tile_url,
                      attribution=ctx.settings.workspace_tile_attribution)  # fmt: skip


@page(roles=OVERSIGHT)
def map_data(ctx: Ctx) -> Response:
    """The period's reports as [lat, lon, category, status, number] rows, with the
    labels of the categories and statuses used, for the dashboard's map."""
    first, last, _ = period_of(ctx)
    start, end = wib_days(first, last)
    found, more = points(session=ctx.session, start=start, end=end, region=_region(ctx))
    categories = {c: category_label(c) for c in {p.category for p in found}}
    statuses = {s: status_label(s) for s in {p.status for p in found}}
    open_ids = [s for s, info in all_statuses().items() if info.open]
    rows = [[p.latitude, p.longitude, p.category, p.status, p.number] for p in found]
    return JSONResponse({"titik": rows, "kategori": categories, "status": statuses,
                         "terbuka": open_ids, "terpotong": more})  # fmt: skip
