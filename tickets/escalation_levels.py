"""When a ticket's next SLA escalation falls due (the sweep's schedule).

A ticket awaits one deadline at a time: forwarding while new (forward_due_at),
action while forwarded or in progress (act_due_at). Level 1 of that breach falls
due once the deadline has passed, level 2 (the leaders' digest)
`escalate_to_leaders_after_hours` later. `Ticket.escalation_due_at` holds the
next of these not yet recorded, NULL when nothing more can be escalated: the
ticket's flush hook (tickets/models.py) sets it whenever the awaited deadline
changes, the sweep moves it on after recording a level, so a sweep reads only
the tickets newly due.

"Passed" is strict (`< now`), as the sweep has always counted it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tickets.deadlines import service_levels
from tickets.enums import BreachKind, TicketStatus

AWAITING: dict[BreachKind, tuple[TicketStatus, ...]] = {
    BreachKind.FORWARD: (TicketStatus.NEW,),
    BreachKind.ACT: (TicketStatus.FORWARDED, TicketStatus.IN_PROGRESS),
}
LEVELS = (1, 2)


@dataclass(frozen=True)
class Awaited:
    """The deadline a ticket waits on, and the breach its passing makes."""

    kind: BreachKind
    due: datetime


def awaited(
    status: str | None, forward_due_at: datetime | None, act_due_at: datetime | None
) -> Awaited | None:
    """None when the ticket waits on no deadline (closed, or none set)."""
    status = status or TicketStatus.NEW  # the column's default, before the insert
    if status in AWAITING[BreachKind.FORWARD] and forward_due_at is not None:
        return Awaited(BreachKind.FORWARD, forward_due_at)
    if status in AWAITING[BreachKind.ACT] and act_due_at is not None:
        return Awaited(BreachKind.ACT, act_due_at)
    return None


def level_due(deadline: Awaited, level: int) -> datetime:
    """When `level` of the breach falls due (it is recorded once this has passed)."""
    return deadline.due if level == 1 else deadline.due + service_levels().leaders_after


def first_due(
    status: str | None, forward_due_at: datetime | None, act_due_at: datetime | None
) -> datetime | None:
    """escalation_due_at for a ticket whose deadline just changed: its level 1."""
    deadline = awaited(status, forward_due_at, act_due_at)
    return None if deadline is None else level_due(deadline, 1)


def schedule(deadline: Awaited | None, now: datetime) -> tuple[list[int], datetime | None]:
    """(the levels due by `now`, the next escalation_due_at) of a selected ticket."""
    if deadline is None:
        return [], None
    passed = [level for level in LEVELS if level_due(deadline, level) < now]
    later = [level_due(deadline, level) for level in LEVELS if level not in passed]
    return passed, min(later) if later else None
