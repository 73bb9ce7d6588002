"""Plain-dict views of tickets (JSON output of `tickets show --json`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tickets.models import Attachment, Ticket, TicketEvent
from tickets.statuses import status_label


def ticket_to_dict(ticket: Ticket) -> dict[str, Any]:
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
        "confidential": ticket.confidential,
        "created_at": _iso(ticket.created_at),
        "updated_at": _iso(ticket.updated_at),
        "citizen_id": ticket.citizen_id,
        "photos": {
            "count": len(ticket.attachments),
            "items": [attachment_to_dict(a) for a in ticket.attachments],
        },
        "events": [event_to_dict(e) for e in ticket.events],
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


def event_to_dict(event: TicketEvent) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "actor": event.actor,
        "note": event.note,
        "data": event.data,
        "created_at": _iso(event.created_at),
    }


def _iso(value: datetime) -> str:
    return value.isoformat()
