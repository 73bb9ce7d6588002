"""How a ticket's location reads for staff. A shared pin is exact; a location typed
by a citizen who could not share one is approximate ("lokasi perkiraan"): a chosen
place's centroid, or only the kabupaten/kota's for a typed address."""

from __future__ import annotations

from knowledge.regions import get_region
from tickets.enums import LocationSource
from tickets.models import Ticket
from tickets.notifications import Pin
from tickets.texts import TEXTS


def is_approximate(ticket: Ticket) -> bool:
    return ticket.location_source != LocationSource.PIN


def region_name(ticket: Ticket) -> str:
    region = get_region(ticket.region_code or "")
    return region.name if region else "-"


def approximate_note(ticket: Ticket) -> str:
    """'Kel. Rajabasa Raya, ... (dari nama tempat ..., bukan pin)'; '' for a pin."""
    if not is_approximate(ticket):
        return ""
    if ticket.location_source == LocationSource.PLACE and ticket.place_name:
        return TEXTS.text("location", "place", tempat=ticket.place_name)
    return TEXTS.text("location", "address", wilayah=region_name(ticket))


def map_pin(ticket: Ticket) -> Pin | None:
    """The map pin sent with a staff alert. A place's centroid goes titled as
    approximate; a kabupaten/kota's centroid would only mislead, so none is sent."""
    if ticket.location_source == LocationSource.ADDRESS:
        return None
    if ticket.location_source == LocationSource.PLACE:
        title = TEXTS.text("location", "pin_title", nomor=ticket.number)
        return Pin(
            ticket.latitude, ticket.longitude, title, ticket.place_name or region_name(ticket)
        )
    return Pin(ticket.latitude, ticket.longitude, ticket.number, region_name(ticket))
