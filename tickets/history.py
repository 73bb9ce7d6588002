"""What a citizen reads of a ticket they follow: the deadline now running and the
last events with their notes, worded in tickets/texts.yml (`citizen_view`).

Privacy: staff are never named (an event's actor is a role and an id), a
citizen's own words are shown only to that citizen, and a confidential ticket
(pungli) shows someone other than its reporter its status alone: no notes, no
photo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from core.settings import get_settings
from core.timestamps import WIB, format_wib, utcnow
from knowledge.agencies import get_agency
from tickets.enums import EventKind, TicketStatus
from tickets.following import Followed, Relation
from tickets.models import Attachment, Ticket, TicketEvent
from tickets.statuses import status_label
from tickets.texts import TEXTS

SECTION = "citizen_view"
HISTORY_LINES = 4
NOTE_CHARS = 160
# Below this many hours left, the deadline is told in hours, above it in days.
HOURS_UNTIL_DAYS = 48
# Kept from the citizen: staff-internal steps.
HIDDEN_KINDS = {EventKind.ESCALATED, EventKind.SUPPORTED}


@dataclass(frozen=True)
class Deadline:
    label: str  # "Batas diteruskan operator" / "Batas tindak lanjut instansi"
    text: str  # "12-03-2026 14.00 WIB (sisa 20 jam)"
    passed: bool


def _text(name: str, **variables: object) -> str:
    return TEXTS.text(SECTION, name, **variables)


def agency_name(ticket: Ticket) -> str:
    agency = get_agency(ticket.agency_code or "")
    return agency.name if agency else ""


def deadline(ticket: Ticket, now: datetime | None = None) -> Deadline | None:
    """The deadline the ticket waits on: forwarding while new, the agency's action
    once forwarded; none once closed."""
    if ticket.status == TicketStatus.NEW:
        due, label = ticket.forward_due_at, _text("due_forward")
    elif ticket.status in (TicketStatus.FORWARDED, TicketStatus.IN_PROGRESS):
        due, label = ticket.act_due_at, _text("due_act")
    else:
        return None
    if due is None:
        return None
    left = due - (now or utcnow())
    when = format_wib(due)
    if left <= timedelta(0):
        return Deadline(label, _text("due_passed", waktu=when), True)
    hours = int(left.total_seconds() // 3600)
    if hours < HOURS_UNTIL_DAYS:
        return Deadline(label, _text("due_hours", waktu=when, jam=max(hours, 1)), False)
    return Deadline(label, _text("due_days", waktu=when, hari=hours // 24), False)


def _short(text: str | None) -> str:
    clean = " ".join((text or "").split())
    return clean if len(clean) <= NOTE_CHARS else clean[: NOTE_CHARS - 1].rstrip() + "…"


def _agency_label(code: str | None) -> str:
    agency = get_agency(code or "")
    return agency.name if agency else _text("agency_unknown")


def _label(event: TicketEvent, ticket: Ticket, viewer_id: int | None) -> str | None:
    data = event.data or {}
    kind = event.kind
    if kind in HIDDEN_KINDS:
        return None
    if kind == EventKind.RATED:
        if ticket.citizen_id != viewer_id:
            return None
        return _text("rated", nilai=data.get("rating", "-"))
    if kind == EventKind.CITIZEN_ADDITION:
        if event.actor == f"citizen:{viewer_id}":
            photos = len(data.get("photo_ids") or [])
            note = _short(event.note) or _text("photos", jumlah=photos)
            return _text("addition_own", catatan=note)
        return _text("addition_other")
    if kind == "forward":
        return _text("forward", instansi=_agency_label(data.get("agency")))
    if kind == "accept":
        return _text("accept", instansi=_agency_label(ticket.agency_code))
    if kind == "merge":
        return _text("merge", target=data.get("merged_into", "-"))
    if kind == EventKind.STATUS_CHANGED:
        return _text("status_changed", status=status_label(event.to_status or ticket.status))
    try:
        return _text(str(kind))
    except KeyError:
        return None  # an event kind citizens are not told about


def _with_note(label: str, event: TicketEvent, ticket: Ticket, private: bool) -> str:
    """Staff notes (the rejection reason, progress, the resolution) follow the label."""
    if private or event.actor.startswith("citizen:") or not event.note:
        return label
    return _text("with_note", label=label, catatan=_short(event.note))


def history_lines(
    ticket: Ticket, *, viewer_id: int | None, limit: int = HISTORY_LINES
) -> list[str]:
    """The last `limit` events the viewer may see, oldest first, one line each."""
    private = ticket.confidential and ticket.citizen_id != viewer_id
    lines = []
    for event in ticket.events:
        label = _label(event, ticket, viewer_id)
        if label is None or (private and event.kind not in _STATUS_ONLY):
            continue
        when = event.created_at.astimezone(WIB).strftime("%d-%m %H.%M")
        lines.append(_text("line", waktu=when, peristiwa=_with_note(label, event, ticket, private)))
    return lines[-limit:]


# What a confidential ticket shows anyone but its reporter.
_STATUS_ONLY = {EventKind.CREATED, "forward", "accept", "resolve", "reject", "merge",
                EventKind.WITHDRAWN, EventKind.REOPENED}  # fmt: skip


def resolution_photo(ticket: Ticket, *, viewer_id: int | None) -> Path | None:
    """The photo the agency sent with its resolution (the latest one), as a file."""
    if ticket.status != TicketStatus.RESOLVED:
        return None
    if ticket.confidential and ticket.citizen_id != viewer_id:
        return None
    resolved = [e for e in ticket.events if e.kind == "resolve"]
    ids = list((resolved[-1].data or {}).get("photo_ids") or []) if resolved else []
    by_id: dict[int, Attachment] = {a.id: a for a in ticket.attachments}
    for attachment_id in reversed(ids):
        attachment = by_id.get(int(attachment_id))
        if attachment is not None:
            return Path(get_settings().media_dir) / attachment.storage_path
    return None


def relation_text(followed: Followed) -> str:
    """Why a ticket that is not the citizen's own report is on their list."""
    if followed.relation == Relation.SUPPORTER:
        return _text("relation_supporter")
    if followed.relation == Relation.MERGED:
        return _text("relation_merged", via=followed.via or "-")
    return ""
