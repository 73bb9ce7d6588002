"""How a ticket's location was obtained (pin / place / address), on both backends:
the columns, what staff see ("lokasi perkiraan"), and duplicates on pins only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db import transaction
from dialogue.domain import get_domain
from dialogue.responses import render_response
from tests import factories
from tickets.duplicates import nearby_open_tickets
from tickets.flows import file_ticket
from tickets.models import Notification, Ticket
from tickets.serialize import ticket_to_dict
from tickets.service import create_ticket, get_ticket_by_number
from tickets.staff_alerts import AGENCY_RESPONSE
from tickets.workflow import Request, perform

RAYA = (-5.354293, 105.240231)  # Kel. Rajabasa Raya's centroid
RAYA_NAME = "Kel. Rajabasa Raya, Kec. Rajabasa, Kota Bandar Lampung"


def _file(source: str, *, address: str | None = None, place: str | None = None,
          confidential: bool = False, category: str = "sampah") -> str:  # fmt: skip
    with transaction() as session:
        return create_ticket(
            session=session, citizen=factories.citizen(session=session), category=category,
            description="sampah menumpuk di pinggir jalan", latitude=RAYA[0],
            longitude=RAYA[1], region_code="bandar_lampung", location_source=source,
            address_text=address, place_name=place, confidential=confidential,
        ).number  # fmt: skip


def test_the_columns_on_each_backend(db: str) -> None:
    pin = _file("pin")
    place = _file("place", address="  kel rajabasa raya ", place=RAYA_NAME)
    address = _file("address", address="gang buntu dekat pos ronda")
    with transaction() as session:
        rows = {
            t.number: (t.location_source, t.address_text, t.place_name)
            for t in session.scalars(select(Ticket))
        }
    assert rows == {
        pin: ("pin", None, None),
        place: ("place", "kel rajabasa raya", RAYA_NAME),
        address: ("address", "gang buntu dekat pos ronda", None),
    }
    with transaction() as session:  # the service's default, as every ticket before
        default = factories.ticket(session=session, alert=False)
        assert (default.location_source, default.address_text) == ("pin", None)
    with pytest.raises(ValueError), transaction() as session:
        create_ticket(session=session, citizen=factories.citizen(session=session),
                      category="sampah", description="sampah menumpuk", latitude=RAYA[0],
                      longitude=RAYA[1], location_source="guess")  # fmt: skip


def test_the_json_view_says_approximate_and_masks_a_confidential_address(db: str) -> None:
    typed = _file("place", address="kel rajabasa raya", place=RAYA_NAME)
    secret = _file("address", address="depan rumah Budi, hp 081234567890",
                   confidential=True, category="pungli")  # fmt: skip
    with transaction() as session:
        viewer = factories.staff(session=session, role="operator", region="bandar_lampung")
        place = ticket_to_dict(_get(session, typed))
        staff_view = ticket_to_dict(_get(session, secret), viewer=viewer)
        admin_view = ticket_to_dict(_get(session, secret))
        pinned = ticket_to_dict(factories.ticket(session=session, alert=False))
    assert place["location_source"] == "place" and place["approximate_location"] is True
    assert place["location_note"].startswith(RAYA_NAME) and "bukan pin" in place["location_note"]
    assert (pinned["approximate_location"], pinned["location_note"]) == (False, None)
    assert "081234567890" not in staff_view["address_text"]  # the one PII rule
    assert admin_view["address_text"] == "depan rumah Budi, hp 081234567890"


def _get(session: object, number: str) -> Ticket:
    ticket = get_ticket_by_number(session=session, number=number)  # type: ignore[arg-type]
    assert ticket is not None
    return ticket


def test_approximate_tickets_are_never_nearby_duplicates(db: str) -> None:
    typed = _file("place", place=RAYA_NAME)
    with transaction() as session:
        assert nearby_open_tickets(session=session, category="sampah", latitude=RAYA[0],
                                   longitude=RAYA[1]) == []  # fmt: skip
        pinned = factories.ticket(session=session, latitude=RAYA[0], longitude=RAYA[1],
                                  alert=False)  # fmt: skip
        found = nearby_open_tickets(session=session, category="sampah", latitude=RAYA[0],
                                    longitude=RAYA[1])  # fmt: skip
        assert [t.number for t, _ in found] == [pinned.number] != [typed]


def test_the_agency_alert_says_approximate_too(db: str) -> None:
    with transaction() as session:
        chat = factories.staff_chat(session=session, agency="dlh")
        ticket = file_ticket(
            session=session, citizen=factories.citizen(session=session), category="sampah",
            description="sampah menumpuk di pinggir jalan", latitude=RAYA[0], longitude=RAYA[1],
            region_code="bandar_lampung", location_source="address",
            address_text="gang buntu dekat pos ronda",
        )  # fmt: skip
        admin = factories.staff(session=session, role="admin", contacts=())
        perform(session=session, ticket=ticket, action="forward", actor=admin,
                request=Request(agency="dlh"))  # fmt: skip
        alert = session.scalars(
            select(Notification).where(Notification.user_key == chat.chat_key)
        ).one()
        assert alert.response == AGENCY_RESPONSE
        text = render_response(get_domain(), AGENCY_RESPONSE, alert.variables).text or ""
        assert "Lokasi perkiraan: Kota Bandar Lampung (hanya kabupaten/kota" in text
        assert "Alamat dari warga: gang buntu dekat pos ronda" in text
        assert alert.venue_latitude is None
