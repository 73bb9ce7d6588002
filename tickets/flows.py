"""What follows a ticket change: the messages to operators, agencies and citizens.

tickets.service and tickets.workflow only change tickets and record events; the
flows here are the use cases callers run (file a ticket, move it to a status),
and `after_action` runs the follow-ups tickets/workflow.yml names for an action.
All within the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from core.timestamps import format_wib
from knowledge.agencies import get_agency
from tickets.enums import LocationSource
from tickets.models import Citizen, Notification, Ticket, TicketEvent
from tickets.notifications import notify_citizen
from tickets.service import change_status, create_ticket
from tickets.staff_alerts import alert_agency, alert_operators
from tickets.statuses import status_label

STATUS_NOTIFICATION = "utter_notifikasi_status"


def file_ticket(
    *,
    session: Session,
    citizen: Citizen,
    category: str,
    description: str,
    latitude: float,
    longitude: float,
    region_code: str | None = None,
    attachment_ids: Sequence[int] = (),
    confidential: bool = False,
    now: datetime | None = None,
    location_source: str = LocationSource.PIN,
    address_text: str | None = None,
    place_name: str | None = None,
) -> Ticket:
    """A citizen's report: create the ticket, then alert the region's operators."""
    ticket = create_ticket(
        session=session, citizen=citizen, category=category, description=description,
        latitude=latitude, longitude=longitude, region_code=region_code,
        attachment_ids=attachment_ids, confidential=confidential, now=now,
        location_source=location_source, address_text=address_text, place_name=place_name,
    )  # fmt: skip
    alert_operators(session=session, ticket=ticket)
    return ticket


def after_status_change(
    *, session: Session, ticket: Ticket, event: TicketEvent
) -> list[Notification]:
    """Tell the citizen (and supporters) the ticket's new status and the note."""
    return notify_citizen(
        session=session,
        ticket=ticket,
        response=STATUS_NOTIFICATION,
        variables={
            "nomor": ticket.number,
            "status_label": status_label(ticket.status),
            "catatan": event.note or "",
        },
        event_key=f"event:{event.id}",
    )


def move_ticket(
    *,
    session: Session,
    ticket: Ticket,
    to_status: str,
    actor: str,
    note: str | None = None,
    now: datetime | None = None,
) -> TicketEvent:
    """Set a status outside the workflow (`tickets set-status`) and notify the citizen."""
    event = change_status(
        session=session, ticket=ticket, to_status=to_status, actor=actor, note=note, now=now
    )
    after_status_change(session=session, ticket=ticket, event=event)
    return event


# --- follow-ups of workflow actions, by the names tickets/workflow.yml gives ------

FollowUp = Callable[[Session, Ticket, TicketEvent], None]


def _alert_agency(session: Session, ticket: Ticket, event: TicketEvent) -> None:
    alert_agency(session=session, ticket=ticket, event_id=event.id)


FOLLOW_UPS: dict[str, FollowUp] = {"alert_agency": _alert_agency}


def _citizen_variables(ticket: Ticket, event: TicketEvent) -> dict[str, Any]:
    agency = get_agency(ticket.agency_code or "")
    return {
        "nomor": ticket.number,
        "instansi": agency.name if agency else "",
        "catatan": event.note or "",
        "batas": format_wib(ticket.act_due_at) if ticket.act_due_at else "",
        "target": (event.data or {}).get("merged_into", ""),
        "lapor_id": (event.data or {}).get("lapor_id", ""),
    }


def after_action(
    *,
    session: Session,
    ticket: Ticket,
    event: TicketEvent,
    follow_ups: Sequence[str],
    notify: str | None,
) -> None:
    """Run an action's follow-ups in order, then send the citizen `notify` (a
    domain/notifications.yml response; None: no message)."""
    for name in follow_ups:
        FOLLOW_UPS[name](session, ticket, event)
    if notify:
        notify_citizen(
            session=session,
            ticket=ticket,
            response=notify,
            variables=_citizen_variables(ticket, event),
            event_key=f"event:{event.id}",
        )
