"""GeoReport v2 service requests: filing one with an API key (POST requests), the
public list with the spec's filters (GET requests) and one request (GET
requests/<id>), and the photos they link to. Confidential reports are never
listed, found or shown (tickets/public_view.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from core.db import transaction
from core.settings import get_settings
from core.timestamps import utcnow
from knowledge.categories import get_category
from open311.formats import error, respond, timestamp
from open311.services_api import fmt_of, unknown_format
from open311.texts import TEXTS
from tickets.api_keys import find_key
from tickets.api_reports import ApiReport, ReportError, file_api_report
from tickets.models import TicketEvent
from tickets.public_view import (
    MAX_SPAN,
    PublicTicket,
    public_photo_file,
    public_query,
    public_ticket,
)

MAX_FORM_FIELDS = 60
MAX_FIELD_BYTES = 16 * 1024


class ApiError(Exception):
    def __init__(self, status_code: int, description: str) -> None:
        self.status_code = status_code
        super().__init__(description)


def _request_row(view: PublicTicket, base: str) -> dict[str, Any]:
    category = get_category(view.category)
    return {
        "service_request_id": view.number,
        "status": "open" if view.is_open else "closed",
        "status_notes": view.status_notes,
        "service_name": category.label if category else view.category,
        "service_code": view.category,
        "description": view.description,
        "agency_responsible": view.agency,
        "service_notice": None,
        "requested_datetime": timestamp(view.requested_at),
        "updated_datetime": timestamp(view.updated_at),
        "expected_datetime": timestamp(view.expected_at),
        "address": view.address,
        "address_id": None,
        "zipcode": None,
        "lat": view.latitude,
        "long": view.longitude,
        "media_url": f"{base}/media/{view.photo_ids[0]}" if view.photo_ids else None,
    }


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/open311/v2"


def _date(params: Any, name: str) -> datetime | None:
    raw = params.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(400, TEXTS.text("errors", "bad_date", nama=name)) from None
    if value.tzinfo is None:
        raise ApiError(400, TEXTS.text("errors", "bad_date", nama=name))
    return value


def _check_jurisdiction(value: str | None) -> None:
    expected = get_settings().open311_jurisdiction
    if value and value != expected:
        raise ApiError(404, TEXTS.text("errors", "jurisdiction", jurisdiksi=expected))


def _split(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def _list(params: Any) -> list[PublicTicket]:
    _check_jurisdiction(params.get("jurisdiction_id"))
    numbers = _split(params.get("service_request_id"))
    states = _split(params.get("status"))
    if any(s not in ("open", "closed") for s in states):
        raise ApiError(400, TEXTS.text("errors", "bad_status"))
    start, end = _date(params, "start_date"), _date(params, "end_date")
    if not numbers:  # GeoReport v2: at most 90 days, the last 90 by default
        if end is None:
            end = (start + MAX_SPAN) if start else utcnow()
        if start is None:
            start = end - MAX_SPAN
        if end - start > MAX_SPAN:
            raise ApiError(400, TEXTS.text("errors", "span"))
    query = public_query(
        numbers=numbers,
        categories=_split(params.get("service_code")),
        start=start,
        end=end,
        open_states=[s == "open" for s in states],
    )
    with transaction() as session:
        return [public_ticket(t) for t in session.scalars(query)]


async def requests_list(request: Request) -> Response:
    fmt = fmt_of(request)
    if fmt is None:
        return unknown_format(request)
    try:
        found = await run_in_threadpool(_list, request.query_params)
    except ApiError as refused:
        return error(fmt, refused.status_code, str(refused))
    rows = [_request_row(view, _base(request)) for view in found]
    return respond(fmt, rows, root="service_requests", item="request")


async def request_one(request: Request) -> Response:
    fmt = fmt_of(request)
    if fmt is None:
        return unknown_format(request)
    number = str(request.path_params["number"])
    try:
        params = {**dict(request.query_params), "service_request_id": number}
        found = await run_in_threadpool(_list, params)
    except ApiError as refused:
        return error(fmt, refused.status_code, str(refused))
    if not found:
        return error(fmt, 404, TEXTS.text("errors", "not_found", nomor=number))
    rows = [_request_row(found[0], _base(request))]
    return respond(fmt, rows, root="service_requests", item="request")


def _number(form: FormData, name: str) -> float | None:
    raw = form.get(name)
    if raw is None or raw == "":
        return None
    try:
        return float(str(raw))
    except ValueError:
        raise ApiError(400, TEXTS.text("errors", "bad_number")) from None


def _filed_this_hour(session: Any, key_name: str) -> int:
    # The hour's "created" events, read whole: a few hundred rows at most, and no
    # JSON operator that SQLite and PostgreSQL share.
    since = utcnow() - timedelta(hours=1)
    events = select(TicketEvent.data).where(
        TicketEvent.kind == "created", TicketEvent.created_at >= since
    )
    return sum(1 for (data,) in session.execute(events) if (data or {}).get("via") == key_name)


def _file(form: FormData) -> tuple[str, str]:
    _check_jurisdiction(str(form.get("jurisdiction_id") or "") or None)
    names = (str(form.get("first_name") or ""), str(form.get("last_name") or ""))
    report = ApiReport(
        service_code=str(form.get("service_code") or ""),
        description=str(form.get("description") or ""),
        latitude=_number(form, "lat"),
        longitude=_number(form, "long"),
        address_string=str(form.get("address_string") or "") or None,
        reporter_name=" ".join(n for n in names if n) or None,
    )
    with transaction() as session:
        key = find_key(session=session, key=str(form.get("api_key") or ""))
        if key is None:
            raise ApiError(403, TEXTS.text("errors", "api_key"))
        if _filed_this_hour(session, key.name) >= get_settings().open311_reports_per_key_per_hour:
            raise ApiError(429, TEXTS.text("errors", "too_many"))
        try:
            with session.begin_nested():
                ticket = file_api_report(session=session, key=key, report=report)
        except ReportError as refused:
            raise ApiError(400, str(refused)) from None
        return ticket.number, TEXTS.text("discovery", "service_notice")


async def requests_create(request: Request) -> Response:
    fmt = fmt_of(request)
    if fmt is None:
        return unknown_format(request)
    form = await request.form(
        max_files=0, max_fields=MAX_FORM_FIELDS, max_part_size=MAX_FIELD_BYTES
    )
    try:
        number, notice = await run_in_threadpool(_file, form)
    except ApiError as refused:
        return error(fmt, refused.status_code, str(refused))
    finally:
        await form.close()
    rows = [{"service_request_id": number, "service_notice": notice, "account_id": None}]
    return respond(fmt, rows, root="service_requests", item="request")


def _photo(photo_id: int) -> tuple[Path, str] | None:
    with transaction() as session:
        return public_photo_file(session=session, photo_id=photo_id)


async def media(request: Request) -> Response:
    """A photo of a listable report (re-encoded on intake: no EXIF, no GPS)."""
    found = await run_in_threadpool(_photo, int(request.path_params["photo_id"]))
    if found is None:
        return error("json", 404, TEXTS.text("errors", "not_found", nomor="-"))
    path, mime = found
    return FileResponse(path, media_type=mime, headers={"Cache-Control": "public, max-age=3600"})
