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

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, load_only

from tickets.enums import TicketStatus
from tickets.models import Ticket, TicketSupporter

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


# What a list of followed tickets shows (a card each: tickets.history and the
# status action) and sorts by; a list loads only these columns, no events or photos
# (the one ticket shown in detail loads its events when it reads them).
_LISTED = load_only(
    Ticket.number, Ticket.status, Ticket.category, Ticket.agency_code, Ticket.confidential,
    Ticket.citizen_id, Ticket.merged_into_id, Ticket.forward_due_at, Ticket.act_due_at,
    Ticket.resolved_at, Ticket.rating, Ticket.created_at, Ticket.updated_at,
)  # fmt: skip
_LATEST_ACTIVITY = (Ticket.updated_at.desc(), Ticket.id.desc())


def own_query(citizen_id: int, limit: int) -> Select[Ticket]:
    """The citizen's own tickets, latest activity first (the index on ticket.citizen_id)."""
    query = select(Ticket).where(Ticket.citizen_id == citizen_id).options(_LISTED)
    return query.order_by(*_LATEST_ACTIVITY).limit(limit)


def supported_query(citizen_id: int, limit: int) -> Select[Ticket]:
    """The tickets the citizen supports (the index on ticket_supporter.citizen_id)."""
    query = (
        select(Ticket)
        .join(TicketSupporter, TicketSupporter.ticket_id == Ticket.id)
        .where(TicketSupporter.citizen_id == citizen_id)
        .options(_LISTED)
    )
    return query.order_by(*_LATEST_ACTIVITY).limit(limit)


def followed_tickets(*, session: Session, citizen_id: int, limit: int = 50) -> list[Followed]:
    """Every ticket the citizen follows (at most `limit`), latest activity first,
    each once (their own before a support or a merge). Two index look-ups (own by
    citizen, supported by citizen) of the listed columns only."""
    found: dict[int, Followed] = {}
    own = list(session.scalars(own_query(citizen_id, limit)))
    for ticket in own:
        if ticket.merged_into_id is None:
            found[ticket.id] = Followed(ticket, Relation.OWN)
    for ticket in own:
        if ticket.merged_into_id is not None:
            target = merge_target(session, ticket)
            found.setdefault(target.id, Followed(target, Relation.MERGED, via=ticket.number))
    for ticket in session.scalars(supported_query(citizen_id, limit)):
        found.setdefault(ticket.id, Followed(ticket, Relation.SUPPORTER))
    ordered = sorted(found.values(), key=lambda f: (f.ticket.updated_at, f.ticket.id), reverse=True)
    return ordered[:limit]


def number_query(number: str) -> Select[Ticket]:
    """The ticket of a full number (the unique index on ticket.number)."""
    return select(Ticket).where(Ticket.number == number.strip().upper())


def own_seq_query(citizen_id: int, seq: int) -> Select[Ticket]:
    """The citizen's newest ticket with this sequence number ("cek tiket 123")."""
    return (
        select(Ticket)
        .where(Ticket.citizen_id == citizen_id, Ticket.seq == seq)
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(1)
    )


def _followed_other(session: Session, citizen_id: int, ticket: Ticket) -> Followed | None:
    """Someone else's ticket the citizen follows: the one an own report was merged
    into (before a support), or one they support."""
    merged_own = select(Ticket).where(
        Ticket.citizen_id == citizen_id, Ticket.merged_into_id.is_not(None)
    )
    for own in session.scalars(merged_own.order_by(Ticket.created_at.desc(), Ticket.id.desc())):
        if merge_target(session, own).id == ticket.id:
            return Followed(ticket, Relation.MERGED, via=own.number)
    supports = select(TicketSupporter.id).where(
        TicketSupporter.ticket_id == ticket.id, TicketSupporter.citizen_id == citizen_id
    )
    if session.scalar(supports) is not None:
        return Followed(ticket, Relation.SUPPORTER)
    return None


def find_followed(*, session: Session, citizen_id: int | None, number: str) -> Followed | None:
    """A full number, or a bare sequence number ("cek tiket 123") among the citizen's
    own tickets, if the citizen follows that ticket. An own merged report leads to
    the ticket it was merged into. One index look-up for the ticket; its events and
    photos load when read."""
    if citizen_id is None:
        return None
    if number.isdigit():
        ticket = session.scalars(own_seq_query(citizen_id, int(number))).first()
    else:
        ticket = session.scalars(number_query(number)).one_or_none()
    if ticket is None:
        return None
    if ticket.citizen_id == citizen_id:
        if ticket.merged_into_id is not None:
            return Followed(merge_target(session, ticket), Relation.MERGED, via=ticket.number)
        return Followed(ticket, Relation.OWN)
    return _followed_other(session, citizen_id, ticket)


# The moment a resolved ticket was resolved (older rows may lack resolved_at).
_RESOLVED_AT = func.coalesce(Ticket.resolved_at, Ticket.updated_at)


def _own_resolved(citizen_id: int) -> Select[Ticket]:
    return (
        select(Ticket)
        .where(Ticket.citizen_id == citizen_id, Ticket.status == TicketStatus.RESOLVED)
        .order_by(_RESOLVED_AT.desc(), Ticket.id.desc())
        .limit(1)
    )


def awaiting_rating(
    *, session: Session, citizen_id: int, resolved_since: datetime | None = None
) -> Ticket | None:
    """The citizen's latest resolved ticket they have not rated (resolved at or
    after `resolved_since`, when given)."""
    query = _own_resolved(citizen_id).where(Ticket.rating.is_(None))
    if resolved_since is not None:
        query = query.where(resolved_since <= _RESOLVED_AT)
    return session.scalars(query).first()


def latest_resolved(*, session: Session, citizen_id: int) -> Ticket | None:
    """The ticket "belum beres" is about: the latest resolved one not rated yet,
    else the latest resolved one (a rating does not stop a reopening)."""
    unrated_first = case((Ticket.rating.is_(None), 0), else_=1)
    query = _own_resolved(citizen_id).order_by(None)
    query = query.order_by(unrated_first, _RESOLVED_AT.desc(), Ticket.id.desc())
    return session.scalars(query).first()
