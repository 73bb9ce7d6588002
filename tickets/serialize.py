"""Plain-dict views of tickets (JSON output of `tickets show|list --json`).

Who is looking matters (tickets.privacy): for a confidential ticket (pungli, or
marked "rahasia"), agency staff and leaders never see the reporter's name, phone,
chat id or citizen id; operators and admins do (they may need to call back), but
with phone numbers masked, user keys that are the phone number itself included.
The reporter's own words (description, rating comment, notes of their events)
reach every staff viewer with NIK, phones, e-mails and names masked. Only the
local admin CLI (no viewer) sees them whole.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from nlu.entities.pii import mask_phone
from tickets.location import approximate_note, is_approximate
from tickets.models import (
    Attachment,
    Contact,
    StaffUser,
    Ticket,
    TicketEvent,
)
from tickets.privacy import (
    SEES_CONFIDENTIAL_REPORTER,
    optional_text_for,
    reporter_visible,
    text_for,
)
from tickets.queue import QueueRow
from tickets.statuses import status_label

__all__ = ["SEES_CONFIDENTIAL_REPORTER", "queue_row_to_dict", "reporter_visible", "ticket_to_dict"]

HIDDEN = "(dirahasiakan)"


def _contact_to_dict(contact: Contact, *, masked: bool) -> dict[str, Any]:
    user_key, phone = contact.user_key, contact.phone
    if masked:
        # The stored spelling stays ("+6281*******90"): see mask_phone.
        phone = mask_phone(phone, national=False) if phone else None
        if contact.phone and contact.phone.lstrip("+") == user_key:  # the key is the number
            user_key = mask_phone(user_key, national=False)
    return {"channel": contact.channel, "user_key": user_key, "phone": phone}


def reporter_to_dict(ticket: Ticket, *, masked: bool = False) -> dict[str, Any]:
    citizen = ticket.citizen
    return {
        "citizen_id": citizen.id,
        "name": citizen.display_name,
        "contacts": [_contact_to_dict(c, masked=masked) for c in citizen.contacts],
    }


def ticket_to_dict(ticket: Ticket, *, viewer: StaffUser | None = None) -> dict[str, Any]:
    visible = reporter_visible(ticket, viewer)
    return {
        "number": ticket.number,
        "status": ticket.status,
        "status_label": status_label(ticket.status),
        "category": ticket.category,
        "description": text_for(viewer, ticket, ticket.description),
        "latitude": ticket.latitude,
        "longitude": ticket.longitude,
        # A typed location: the coordinates are a centroid (tickets.location).
        "location_source": ticket.location_source,
        "approximate_location": is_approximate(ticket),
        "location_note": approximate_note(ticket) or None,
        "place_name": ticket.place_name,
        "address_text": optional_text_for(viewer, ticket, ticket.address_text),
        "region": ticket.region_code,
        "agency": ticket.agency_code,
        "suggested_agency": ticket.suggested_agency_code,
        "confidential": ticket.confidential,
        "created_at": _iso(ticket.created_at),
        "updated_at": _iso(ticket.updated_at),
        "forward_due_at": _iso(ticket.forward_due_at),
        "forwarded_at": _iso(ticket.forwarded_at),
        "act_due_at": _iso(ticket.act_due_at),
        "resolved_at": _iso(ticket.resolved_at),
        "citizen_id": ticket.citizen_id if visible else None,
        "reporter": (
            reporter_to_dict(ticket, masked=ticket.confidential and viewer is not None)
            if visible
            else HIDDEN
        ),
        "rating": ticket.rating,
        "rating_comment": optional_text_for(viewer, ticket, ticket.rating_comment),
        "photos": {
            "count": len(ticket.attachments),
            "items": [attachment_to_dict(a) for a in ticket.attachments],
        },
        "events": [
            event_to_dict(e, hide_citizen=not visible, ticket=ticket, viewer=viewer)
            for e in ticket.events
        ],
    }


def queue_row_to_dict(row: QueueRow, *, viewer: StaffUser | None = None) -> dict[str, Any]:
    """A row of a staff list (`tickets list --json`): what the list shows, no history."""
    return {
        "number": row.number,
        "status": row.status,
        "status_label": status_label(row.status),
        "category": row.category,
        "description": text_for(viewer, row, row.description),
        "location_source": row.location_source,
        "region": row.region_code,
        "agency": row.agency_code,
        "suggested_agency": row.suggested_agency_code,
        "confidential": row.confidential,
        "created_at": _iso(row.created_at),
        "due_at": _iso(row.due_at),
    }


def attachment_to_dict(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.id,
        "sha256": attachment.sha256,
        "mime_type": attachment.mime_type,
        "size_bytes": attachment.size_bytes,
        "width": attachment.width,
        "height": attachment.height,
        "storage_path": attachment.storage_path,
    }


def event_to_dict(
    event: TicketEvent,
    *,
    hide_citizen: bool = False,
    ticket: Ticket | None = None,
    viewer: StaffUser | None = None,
) -> dict[str, Any]:
    """`ticket` is the event's (passed: the view may be built after the session closed)."""
    actor, note = event.actor, event.note
    if actor.startswith("citizen:"):
        # A citizen's note is the reporter's (or a supporter's) own words.
        if ticket is not None:
            note = optional_text_for(viewer, ticket, note)
        if hide_citizen:
            actor = "citizen"
    return {
        "kind": event.kind,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "actor": actor,
        "note": note,
        "data": event.data,
        "created_at": _iso(event.created_at),
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
