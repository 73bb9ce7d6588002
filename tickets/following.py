"""The tickets a citizen follows after filing: their own, those they support
("dukung"), and the ticket an operator merged their own report into.

The same people are notified of a ticket's news (tickets.notifications), so the
same people may look it up (`status`, `cek LPG-...`). Another citizen's ticket is
never found: numbers are easy to guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from tickets.enums import TicketStatus
from tickets.models import Ticket, TicketSupporter
from tickets.service import get_ticket_by_number, list_tickets

# A merged ticket's target may itself be merged later; a chain ends here.
MAX_MERGE_HOPS = 5


class Relation(StrEnum):
    OWN = "own"
    SUPPORTER = "supporter"
    MERGED = "merged"  # the citizen's own report was merged into this ticket


@dataclass(frozen=True)
class Followed:
    ticket: Ticket
    relation: Relation
    # For MERGED: the number of the citizen's own report that was merged.
    via: str | None = None

    @property
    def own(self) -> bool:
        return self.relation == Relation.OWN


def merge_target(session: Session, ticket: Ticket) -> Ticket:
    """The open end of a chain of merges (the ticket itself when not merged)."""
    current = ticket
    for _ in range(MAX_MERGE_HOPS):
        if current.merged_into_id is None:
            break
        target = session.get(Ticket, current.merged_into_id)
        if target is None:
            break
        current = target
    return current


def _supported(session: Session, citizen_id: int) -> list[Ticket]:
    query = (
        select(Ticket)
        .join(TicketSupporter, TicketSupporter.ticket_id == Ticket.id)
        .where(TicketSupporter.citizen_id == citizen_id)
    )
    return list(session.scalars(query))


def followed_tickets(*, session: Session, citizen_id: int, limit: int = 50) -> list[Followed]:
    """Every ticket the citizen follows, latest activity first, each once (their
    own before a support or a merge)."""
    found: dict[int, Followed] = {}
    own = list_tickets(session=session, citizen_id=citizen_id, limit=limit)
    for ticket in own:
        if ticket.merged_into_id is None:
            found[ticket.id] = Followed(ticket, Relation.OWN)
    for ticket in own:
        if ticket.merged_into_id is not None:
            target = merge_target(session, ticket)
            found.setdefault(target.id, Followed(target, Relation.MERGED, via=ticket.number))
    for ticket in _supported(session, citizen_id):
        found.setdefault(ticket.id, Followed(ticket, Relation.SUPPORTER))
    ordered = sorted(found.values(), key=lambda f: (f.ticket.updated_at, f.ticket.id), reverse=True)
    return ordered[:limit]


def find_followed(*, session: Session, citizen_id: int | None, number: str) -> Followed | None:
    """A full number, or a bare sequence number ("cek tiket 123") among the citizen's
    own tickets, if the citizen follows that ticket. An own merged report leads to
    the ticket it was merged into."""
    if citizen_id is None:
        return None
    if number.isdigit():
        mine = list_tickets(session=session, citizen_id=citizen_id, limit=500)
        ticket = next((t for t in mine if t.seq == int(number)), None)
    else:
        ticket = get_ticket_by_number(session=session, number=number)
    if ticket is None:
        return None
    if ticket.citizen_id == citizen_id:
        if ticket.merged_into_id is not None:
            return Followed(merge_target(session, ticket), Relation.MERGED, via=ticket.number)
        return Followed(ticket, Relation.OWN)
    followed = {f.ticket.id: f for f in followed_tickets(session=session, citizen_id=citizen_id)}
    return followed.get(ticket.id)


def _own_resolved(session: Session, citizen_id: int) -> list[Ticket]:
    tickets = list_tickets(session=session, citizen_id=citizen_id, status=TicketStatus.RESOLVED)
    return sorted(tickets, key=lambda t: (t.resolved_at or t.updated_at, t.id), reverse=True)


def awaiting_rating(
    *, session: Session, citizen_id: int, resolved_since: datetime | None = None
) -> Ticket | None:
    """The citizen's latest resolved ticket they have not rated (resolved at or
    after `resolved_since`, when given)."""
    for ticket in _own_resolved(session, citizen_id):
        if ticket.rating is not None:
            continue
        if resolved_since is not None and (ticket.resolved_at or ticket.updated_at) < (
            resolved_since
        ):
            continue
        return ticket
    return None


def latest_resolved(*, session: Session, citizen_id: int) -> Ticket | None:
    """The ticket "belum beres" is about: the latest resolved one not rated yet,
    else the latest resolved one (a rating does not stop a reopening)."""
    unrated = awaiting_rating(session=session, citizen_id=citizen_id)
    if unrated is not None:
        return unrated
    resolved = _own_resolved(session, citizen_id)
    return resolved[0] if resolved else None
