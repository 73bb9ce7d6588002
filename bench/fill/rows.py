"""The rows of one filled ticket: the ticket, its events (created, the workflow's
steps, supports, escalations), its supporters and its escalations, as the services
of tickets/ would have written them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bench.fill.life import Breach, Story
from bench.fill.places import Location
from tickets.enums import EventKind, TicketStatus
from tickets.escalation_levels import LEVELS, awaited, level_due
from tickets.numbering import format_ticket_number

Row = dict[str, Any]
_TICK = timedelta(microseconds=1)


@dataclass
class Ids:
    """The next free id of each table the fill writes with explicit ids."""

    ticket: int = 1
    ticket_event: int = 1
    escalation: int = 1
    ticket_supporter: int = 1


@dataclass(frozen=True)
class Filed:
    """What the citizen gave and the bot recorded at filing."""

    id: int
    year: int
    seq: int
    citizen_id: int
    category: str
    description: str
    location: Location
    confidential: bool
    suggested_agency: str | None
    number: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "number", format_ticket_number(self.year, self.seq))


@dataclass
class Rows:
    tables: dict[str, list[Row]] = field(
        default_factory=lambda: {
            "ticket": [],
            "ticket_event": [],
            "escalation": [],
            "ticket_supporter": [],
        }
    )

    def add(self, ids: Ids, filed: Filed, story: Story, breaches: list[Breach],
            supporters: list[tuple[int, datetime]]) -> None:  # fmt: skip
        """Every row of one ticket; `supporters`: (citizen id, when) in time order."""
        self.tables["ticket"].append(ticket_row(filed, story, breaches))
        events = [_event(filed.id, story.created, EventKind.CREATED, None, TicketStatus.NEW,
                         f"citizen:{filed.citizen_id}",
                         data={"category": filed.category, "attachment_count": 0})]  # fmt: skip
        for step in story.steps:
            before = story.status_at(step.at - _TICK)
            events.append(_event(filed.id, step.at, step.kind, before, step.to_status,
                                 step.actor, step.note, step.data))  # fmt: skip
        for citizen_id, at in supporters:
            status = story.status_at(at)
            events.append(_event(filed.id, at, EventKind.SUPPORTED, status, status,
                                 f"citizen:{citizen_id}"))  # fmt: skip
            self.tables["ticket_supporter"].append({"id": ids.ticket_supporter,
                "ticket_id": filed.id, "citizen_id": citizen_id, "created_at": at})  # fmt: skip
            ids.ticket_supporter += 1
        for breach in breaches:
            events.append(_event(filed.id, breach.recorded, EventKind.ESCALATED, breach.status,
                                 breach.status, "system",
                                 data={"step": breach.kind, "level": breach.level,
                                       "due_at": breach.due.isoformat()}))  # fmt: skip
            self.tables["escalation"].append({
                "id": ids.escalation, "ticket_id": filed.id, "kind": str(breach.kind),
                "level": breach.level, "due_at": breach.due, "recorded_at": breach.recorded,
                "region_code": filed.location.region_code,
                "agency_code": story.agency if breach.kind == "act" else None,
            })  # fmt: skip
            ids.escalation += 1
        events.sort(key=lambda e: e["created_at"])  # stable: "created" stays first
        for event in events:
            event["id"] = ids.ticket_event
            ids.ticket_event += 1
        self.tables["ticket_event"] += events


def _escalation_due(story: Story, breaches: list[Breach]) -> datetime | None:
    """What the sweep would have left in ticket.escalation_due_at: the next level of
    the awaited deadline not yet recorded (tickets/escalation_levels.py)."""
    deadline = awaited(str(story.status), story.forward_due, story.act_due)
    if deadline is None:
        return None
    recorded = {b.level for b in breaches if b.kind == deadline.kind and b.due == deadline.due}
    later = [level_due(deadline, level) for level in LEVELS if level not in recorded]
    return min(later) if later else None


def ticket_row(filed: Filed, story: Story, breaches: list[Breach]) -> Row:
    location = filed.location
    changes = story.steps
    return {
        "id": filed.id, "number": filed.number, "year": filed.year, "seq": filed.seq,
        "status": str(story.status), "category": filed.category, "description": filed.description,
        "latitude": location.latitude, "longitude": location.longitude,
        "location_source": location.source.value, "address_text": location.address_text,
        "place_name": location.place_name, "region_code": location.region_code,
        "agency_code": story.agency, "suggested_agency_code": filed.suggested_agency,
        "confidential": filed.confidential, "forward_due_at": story.forward_due,
        "forwarded_at": story.forwarded_at, "act_due_at": story.act_due,
        "escalation_due_at": _escalation_due(story, breaches),
        "resolved_at": story.resolved_at,
        "merged_into_id": story.merged_into.id if story.merged_into else None,
        "rating": story.rating, "rating_comment": story.rating_comment,
        "rated_at": story.rated_at, "citizen_id": filed.citizen_id,
        "created_at": story.created,
        "updated_at": changes[-1].at if changes else story.created,
        # The ORM's version counter: one per UPDATE of the row.
        "version": 1 + len(changes),
    }  # fmt: skip


def _event(ticket_id: int, at: datetime, kind: str, from_status: str | None,
           to_status: str | None, actor: str, note: str | None = None,
           data: dict[str, Any] | None = None) -> Row:  # fmt: skip
    return {
        "ticket_id": ticket_id, "kind": str(kind),
        "from_status": None if from_status is None else str(from_status),
        "to_status": None if to_status is None else str(to_status),
        "actor": actor, "note": note, "data": data or {}, "created_at": at,
    }  # fmt: skip
