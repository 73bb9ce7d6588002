"""Open tickets near a new report, and supporting one instead of filing a duplicate."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from geopy.distance import geodesic
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from core.timestamps import utcnow
from knowledge.categories import get_category
from tickets.enums import EventKind, LocationSource
from tickets.models import Citizen, Ticket, TicketEvent, TicketSupporter
from tickets.statuses import all_statuses

METRES_PER_DEGREE_LAT = 111_320.0


def nearby_open_tickets(
    *,
    session: Session,
    category: str,
    latitude: float,
    longitude: float,
    exclude_citizen_id: int | None = None,
    limit: int = 3,
) -> list[tuple[Ticket, float]]:
    """Open tickets of `category` within its duplicate radius, nearest first, with
    their distance in metres. None for categories with radius 0 (e.g. pungli).

    Only tickets with a pinned location count: a typed one's coordinates are the
    centroid of a village or a kabupaten, which says nothing about metres."""
    found = get_category(category)
    radius = found.duplicate_radius_m if found else 0
    if radius <= 0:
        return []
    query = nearby_query(category, latitude, longitude, radius)
    if exclude_citizen_id is not None:
        query = query.where(Ticket.citizen_id != exclude_citizen_id)
    nearby = []
    for ticket in session.scalars(query):
        metres = geodesic((latitude, longitude), (ticket.latitude, ticket.longitude)).meters
        if metres <= radius:
            nearby.append((ticket, metres))
    return sorted(nearby, key=lambda item: item[1])[:limit]


def nearby_query(category: str, latitude: float, longitude: float, radius: float) -> Select[Any]:
    """Open pinned tickets of `category` in the bounding box of `radius` metres (the
    exact geodesic distance is checked afterwards); served by ix_ticket_nearby."""
    dlat = radius / METRES_PER_DEGREE_LAT
    dlon = dlat / max(math.cos(math.radians(latitude)), 1e-6)
    open_statuses = [s.id for s in all_statuses().values() if s.open]
    return select(Ticket).where(
        Ticket.category == category,
        Ticket.location_source == LocationSource.PIN,
        Ticket.status.in_(open_statuses),
        Ticket.latitude.between(latitude - dlat, latitude + dlat),
        Ticket.longitude.between(longitude - dlon, longitude + dlon),
    )


def add_supporter(
    *, session: Session, ticket: Ticket, citizen: Citizen, now: datetime | None = None
) -> bool:
    """Record `citizen` as a supporter (once); False if they already were or reported it."""
    if ticket.citizen_id == citizen.id:
        return False
    exists = session.scalar(
        select(TicketSupporter.id).where(
            TicketSupporter.ticket_id == ticket.id, TicketSupporter.citizen_id == citizen.id
        )
    )
    if exists is not None:
        return False
    now = now or utcnow()
    session.add(TicketSupporter(ticket_id=ticket.id, citizen_id=citizen.id, created_at=now))
    session.add(
        TicketEvent(ticket=ticket, kind=EventKind.SUPPORTED, from_status=ticket.status,
                    to_status=ticket.status, actor=f"citizen:{citizen.id}", data={},
                    created_at=now)
    )  # fmt: skip
    session.flush()
    return True
