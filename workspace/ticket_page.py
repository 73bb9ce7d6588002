"""The ticket page (/petugas/tiket/LPG-2026-000123) and the photos it shows.

What it shows of the reporter follows tickets.serialize.ticket_to_dict with the
viewer (tickets.privacy): agency staff and leaders never see a confidential
report's reporter; the reporter's own words are masked for every staff viewer.
A ticket outside the viewer's scope answers 404, like a missing one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps
from sqlalchemy import select
from starlette.responses import FileResponse, Response

from knowledge.agencies import all_agencies
from knowledge.regions import all_regions
from tickets.citizen_messages import WRITERS
from tickets.duplicates import nearby_open_tickets
from tickets.enums import LocationSource
from tickets.models import Attachment, StaffUser, Ticket
from tickets.moderation import MODERATORS, hidden_parts
from tickets.response_templates import ACTIONS as TEMPLATE_ACTIONS
from tickets.response_templates import templates_for
from tickets.scope import can_view
from tickets.serialize import HIDDEN, ticket_to_dict
from tickets.service import get_ticket_by_number
from tickets.workflow import available_actions
from workspace.render import due_text
from workspace.texts import text
from workspace.web import Ctx, not_found, page

THUMB_PIXELS = (192, 192)
# The form shown open: the step that moves the ticket on, before re-routing or rejecting.
FORWARD_STEPS = ("forward", "accept", "progress", "resolve")


@dataclass(frozen=True)
class HistoryItem:
    at: Any
    kind: str
    actor: str
    note: str | None
    data: dict[str, Any]


def _staff_names(ctx: Ctx, ticket: Ticket) -> dict[str, str]:
    ids = {
        int(e.actor.split(":", 1)[1])
        for e in ticket.events
        if ":" in e.actor
        and not e.actor.startswith("citizen:")
        and e.actor.split(":", 1)[1].isdigit()
    }
    if not ids:
        return {}
    rows = ctx.session.execute(
        select(StaffUser.id, StaffUser.role, StaffUser.name).where(StaffUser.id.in_(ids))
    )
    return {f"{role}:{staff_id}": name for staff_id, role, name in rows}


def _actor(actor: str, ticket: Ticket, names: dict[str, str]) -> str:
    if actor.startswith("citizen"):
        own = actor in ("citizen", f"citizen:{ticket.citizen_id}")
        return text("actors", "citizen" if own else "supporter")
    if actor == "system" or ":" not in actor:
        return text("actors", "system")
    return names.get(actor) or text("actors", "unknown_staff", id=actor.split(":", 1)[1])


def _history(ctx: Ctx, ticket: Ticket, view: dict[str, Any]) -> list[HistoryItem]:
    names = _staff_names(ctx, ticket)
    items = []
    for event, shown in zip(ticket.events, view["events"], strict=True):
        items.append(
            HistoryItem(
                event.created_at,
                event.kind,
                _actor(event.actor, ticket, names),
                shown["note"],
                event.data or {},
            )
        )
    return list(reversed(items))


def _nearby(ctx: Ctx, ticket: Ticket) -> list[tuple[Ticket, float]]:
    if ticket.location_source != LocationSource.PIN:
        return []
    found = nearby_open_tickets(
        session=ctx.session,
        category=ticket.category,
        latitude=ticket.latitude,
        longitude=ticket.longitude,
        limit=6,
    )
    return [(t, m) for t, m in found if t.id != ticket.id and can_view(ctx.staff, t)][:5]


def load_ticket(ctx: Ctx, number: str) -> Ticket | None:
    ticket = get_ticket_by_number(session=ctx.session, number=number)
    if ticket is None or not can_view(ctx.staff, ticket):
        return None
    return ticket


def _work_photo_ids(ticket: Ticket) -> set[int]:
    """Photos staff attached (the work done), shown in the history, not as the report's."""
    return {
        int(photo_id)
        for event in ticket.events
        if not event.actor.startswith("citizen")
        for photo_id in (event.data or {}).get("photo_ids") or []
    }


def ticket_context(ctx: Ctx, ticket: Ticket) -> dict[str, Any]:
    view = ticket_to_dict(ticket, viewer=ctx.staff)
    work = _work_photo_ids(ticket)
    due = ticket.forward_due_at if ticket.status == "new" else ticket.act_due_at
    actions = available_actions(ticket, ctx.staff)
    return {
        "ticket": ticket,
        "view": view,
        "reporter_hidden": view["reporter"] == HIDDEN,
        "report_photos": [p for p in view["photos"]["items"] if p["id"] not in work],
        "history": _history(ctx, ticket, view),
        "due": due_text(due) if ticket.status in ("new", "forwarded", "in_progress") else ("", ""),
        "actions": actions,
        "open_action": next(
            (a for a in FORWARD_STEPS if a in actions), actions[0] if actions else None
        ),
        "can_message": ctx.staff.role in WRITERS,
        "templates": {
            a: templates_for(session=ctx.session, action=a, category=ticket.category)
            for a in TEMPLATE_ACTIONS
        },
        "agencies": all_agencies(),
        "regions": all_regions(),
        "nearby": _nearby(ctx, ticket),
        "supporters": len(ticket.supporters),
        "public": None if ticket.confidential else hidden_parts(ticket),
        "can_moderate": ctx.staff.role in MODERATORS and not ticket.confidential,
        "via": next(
            ((e.data or {}).get("via") for e in ticket.events if e.kind == "created"), None
        ),
        "tiles": ctx.settings.workspace_tile_url,
        "attribution": ctx.settings.workspace_tile_attribution,
        "max_photos": ctx.settings.max_photos_per_report,
    }


@page()
def ticket_view(ctx: Ctx) -> Response:
    ticket = load_ticket(ctx, ctx.request.path_params["number"])
    if ticket is None:
        return not_found(ctx)
    return ctx.render("ticket.html", **ticket_context(ctx, ticket))


def _photo(ctx: Ctx) -> tuple[Attachment, Path] | None:
    attachment = ctx.session.get(Attachment, ctx.request.path_params["photo_id"])
    if attachment is None or attachment.ticket is None:
        return None
    if not can_view(ctx.staff, attachment.ticket):
        return None
    path = Path(ctx.settings.media_dir) / attachment.storage_path
    return (attachment, path) if path.is_file() else None


_PRIVATE = {"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"}


@page()
def photo(ctx: Ctx) -> Response:
    """A ticket's photo as stored (re-encoded on intake: no EXIF, no GPS)."""
    found = _photo(ctx)
    if found is None:
        return not_found(ctx)
    attachment, path = found
    return FileResponse(path, media_type=attachment.mime_type, headers=_PRIVATE)


@page()
def thumbnail(ctx: Ctx) -> Response:
    """A small JPEG of the photo for lists, made once and kept beside the media."""
    found = _photo(ctx)
    if found is None:
        return not_found(ctx)
    attachment, path = found
    target = Path(ctx.settings.media_dir) / "thumbs" / f"{attachment.sha256}.jpg"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        with Image.open(path) as image:
            small = ImageOps.exif_transpose(image).convert("RGB")
            small.thumbnail(THUMB_PIXELS)
            partial = target.with_name(f"{target.name}.{secrets.token_hex(4)}.part")
            small.save(partial, "JPEG", quality=80)
            partial.replace(target)
    return FileResponse(target, media_type="image/jpeg", headers=_PRIVATE)
