"""Plain-dict views of tickets (JSON output of `tickets show --json`).

Who is looking matters: for a confidential ticket (pungli, or marked "rahasia"),
agency staff and leaders never see the reporter's name, phone, chat id or
citizen id; operators and admins do (they may need to call back), but with phone
numbers masked, WhatsApp ids included (a WhatsApp id is the phone number). Only
the local admin CLI (no viewer) sees them whole.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from nlu.entities.pii import mask_phone
from tickets.models import (
    PHONE_KEYED_CHANNELS,
    Attachment,
    Contact,
    StaffUser,
    Ticket,
    TicketEvent,
)
from tickets.statuses import status_label

# Roles that may see who reported a confidential ticket.
SEES_CONFIDENTIAL_REPORTER = ("operator", "admin")
HIDDEN = "(dirahasiakan)"


def reporter_visible(ticket: Ticket, viewer: StaffUser | None) -> bool:
    """`viewer` None is the local admin CLI."""
    if viewer is None or not ticket.confidential:
        return True
    return viewer.role in SEES_CONFIDENTIAL_REPORTER


def _contact_to_dict(contact: Contact, *, masked: bool) -> dict[str, Any]:
    user_key, phone = contact.user_key, contact.phone
    if masked:
        # The stored spelling stays ("+6281*******90"): see mask_phone.
        phone = mask_phone(phone, national=False) if phone else None
        if contact.channel in PHONE_KEYED_CHANNELS:  # the key is the number itself
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
        "description": ticket.description,
        "latitude": ticket.latitude,
        "longitude": ticket.longitude,
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
        "photos": {
            "count": len(ticket.attachments),
            "items": [attachment_to_dict(a) for a in ticket.attachments],
        },
        "events": [event_to_dict(e, hide_citizen=not visible) for e in ticket.events],
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


def event_to_dict(event: TicketEvent, *, hide_citizen: bool = False) -> dict[str, Any]:
    actor = event.actor
    if hide_citizen and actor.startswith("citizen:"):
        actor = "citizen"
    return {
        "kind": event.kind,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "actor": actor,
        "note": event.note,
        "data": event.data,
        "created_at": _iso(event.created_at),
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
