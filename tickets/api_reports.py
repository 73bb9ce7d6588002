"""Reports other systems file through the Open311 API (open311/), filed like a
citizen's chat report: the same ticket service, routing, deadlines and operator
alerts (tickets.flows.file_ticket).

The reporter is a citizen without a chat contact (their name only, if sent): the
system that filed the report follows it by polling, so ticket news is not queued
for anyone. The filing key's name is kept in the "created" event (`via`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from knowledge.categories import get_category
from knowledge.geo.gazetteer import default_gazetteer
from knowledge.geo.region import coordinates_valid, locate
from tickets.api_key_models import ApiKey
from tickets.enums import EventKind, LocationSource
from tickets.flows import file_ticket
from tickets.models import Citizen, Ticket
from tickets.texts import TEXTS

MAX_DESCRIPTION = 4000
MAX_ADDRESS = 255


class ReportError(Exception):
    """A refused report; `str(error)` says why, in Indonesian."""

    def __init__(self, code: str, **variables: Any) -> None:
        self.code = code
        super().__init__(TEXTS.text("api_report_errors", code, **variables))


@dataclass(frozen=True)
class ApiReport:
    service_code: str
    description: str
    latitude: float | None = None
    longitude: float | None = None
    address_string: str | None = None
    reporter_name: str | None = None


@dataclass(frozen=True)
class _Where:
    latitude: float
    longitude: float
    region_code: str
    source: str
    place_name: str | None
    address_text: str | None


def _located(report: ApiReport) -> _Where:
    address = (report.address_string or "").strip()[:MAX_ADDRESS] or None
    if report.latitude is not None and report.longitude is not None:
        if not coordinates_valid(report.latitude, report.longitude):
            raise ReportError("bad_location")
        found = locate(report.latitude, report.longitude)
        if not found.in_lampung or found.region_code is None:
            raise ReportError("outside_lampung")
        return _Where(
            report.latitude, report.longitude, found.region_code, LocationSource.PIN, None, address
        )
    if address is None:
        raise ReportError("no_location")
    reading = default_gazetteer().read(address, limit=1)
    if not reading.matches:
        raise ReportError("unknown_place", alamat=address)
    place = reading.matches[0].place
    return _Where(
        place.lat, place.lon, place.region_code, LocationSource.PLACE, place.name, address
    )


def file_api_report(
    *, session: Session, key: ApiKey, report: ApiReport, now: datetime | None = None
) -> Ticket:
    """A ticket from another system's report, or ReportError (nothing filed)."""
    category = get_category(report.service_code)
    if category is None:
        raise ReportError("unknown_service", kode=report.service_code)
    description = " ".join(report.description.split())[:MAX_DESCRIPTION]
    if not description:
        raise ReportError("no_description")
    where = _located(report)
    name = " ".join((report.reporter_name or "").split())[:255] or None
    citizen = Citizen(display_name=name)
    session.add(citizen)
    session.flush()
    ticket = file_ticket(
        session=session,
        citizen=citizen,
        category=category.id,
        description=description,
        latitude=where.latitude,
        longitude=where.longitude,
        region_code=where.region_code,
        confidential=category.confidential,
        now=now,
        location_source=where.source,
        address_text=where.address_text,
        place_name=where.place_name,
    )
    created = next(e for e in ticket.events if e.kind == EventKind.CREATED)
    created.data = {**(created.data or {}), "via": key.name}
    session.flush()
    return ticket
