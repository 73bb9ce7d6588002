"""The public report pages, without a login (/laporan/): a report's page, the map
of reports with filters, and the photos they show. What they show is
tickets.public_view's: for a confidential report only its category, region and
status; for the others the text and photos an operator did not hide, the history
in plain Indonesian and the location rounded to about 100 m. No personal data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from core.db import transaction
from core.settings import get_settings
from core.timestamps import utcnow
from knowledge.categories import all_categories
from knowledge.regions import all_regions
from tickets.public_view import (
    MAX_SPAN,
    confidential_summary,
    public_photo_file,
    public_query,
    public_ticket,
)
from tickets.service import get_ticket_by_number
from workspace.render import render
from workspace.texts import text

LIST_ROWS = 20
MAP_ROWS = 1000


def _report(number: str) -> dict[str, Any] | None:
    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=number)
        if ticket is None:
            return None
        if ticket.confidential:
            return {"secret": confidential_summary(ticket)}
        return {"report": public_ticket(ticket)}


def _tiles() -> dict[str, Any]:
    settings = get_settings()
    return {
        "tiles": settings.workspace_tile_url,
        "attribution": settings.workspace_tile_attribution,
    }


async def report_page(request: Request) -> Response:
    number = str(request.path_params["number"]).upper()
    found: dict[str, Any] | None = await run_in_threadpool(_report, number)
    if found is None:
        return render(
            request,
            "error.html",
            status_code=404,
            public=True,
            message=text("errors", "public_not_found", nomor=number),
        )
    return render(request, "public/report.html", public=True, **found, **_tiles())


def _filters(request: Request) -> dict[str, Any]:
    query = request.query_params
    status = query.get("status") or ""
    return {
        "categories": [query["kategori"]] if query.get("kategori") else [],
        "regions": [query["wilayah"]] if query.get("wilayah") else [],
        "open_states": [status == "terbuka"] if status in ("terbuka", "selesai") else [],
    }


def _listed(filters: dict[str, Any], limit: int) -> list[Any]:
    end = utcnow()
    query = public_query(start=end - MAX_SPAN, end=end, **filters).limit(limit)
    with transaction() as session:
        return [public_ticket(t) for t in session.scalars(query)]


async def map_page(request: Request) -> Response:
    filters = _filters(request)
    rows = await run_in_threadpool(_listed, filters, LIST_ROWS)
    chosen = dict(request.query_params)
    return render(
        request,
        "public/map.html",
        public=True,
        rows=rows,
        chosen=chosen,
        categories=all_categories(),
        regions=all_regions(),
        data_url=f"/laporan/peta.json?{request.url.query}",
        **_tiles(),
    )


async def map_data(request: Request) -> Response:
    """GeoJSON of the last 90 days' listable reports (rounded points) for the map."""
    rows = await run_in_threadpool(_listed, _filters(request), MAP_ROWS)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [r.longitude, r.latitude]},
            "properties": {
                "nomor": r.number,
                "kategori": r.category_label,
                "terbuka": r.is_open,
                "url": f"/laporan/{r.number}",
            },
        }
        for r in rows
    ]
    return JSONResponse({"type": "FeatureCollection", "features": features})


def _photo_file(photo_id: int) -> tuple[Path, str] | None:
    with transaction() as session:
        return public_photo_file(session=session, photo_id=photo_id)


async def photo(request: Request) -> Response:
    found = await run_in_threadpool(_photo_file, int(request.path_params["photo_id"]))
    if found is None:
        return Response(status_code=404)
    path, mime = found
    return FileResponse(path, media_type=mime, headers={"Cache-Control": "public, max-age=3600"})
