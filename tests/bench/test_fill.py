"""bench.fill grows a database with tickets the rest of the code takes for real ones:
numbers go on from ticket_sequence, histories follow the workflow, deadlines are
those tickets/deadlines.py computes, escalations are those the SLA sweep would have
recorded, pins lie in the region they name (both backends)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bench.fill import fill
from bench.fill.life import TRIAGE_AGENCIES, sweep_after
from core.db import transaction
from dialogue.models import Conversation
from knowledge.agencies import route_for
from knowledge.geo.region import locate
from tests import factories
from tickets.deadlines import act_due, forward_due, service_levels
from tickets.enums import EventKind, LocationSource, TicketStatus
from tickets.escalation import sweep
from tickets.escalation_backfill import refresh_escalation_due
from tickets.models import (
    Citizen,
    Contact,
    Escalation,
    Ticket,
    TicketEvent,
    TicketSequence,
    TicketSupporter,
)
from tickets.numbering import format_ticket_number
from tickets.statuses import is_open

NOW = datetime(2026, 11, 20, 3, 7, 30, tzinfo=UTC)
SIZE = 400


def _tickets(session: Session) -> list[Ticket]:
    return list(session.scalars(select(Ticket).order_by(Ticket.id)))


def test_numbers_go_on_from_the_sequence_and_a_new_ticket_gets_the_next(db: str) -> None:
    result = fill(SIZE, seed=3, now=NOW)
    assert (result.before, result.added) == (0, SIZE)
    with transaction() as session:
        tickets = _tickets(session)
        assert len({t.number for t in tickets}) == SIZE
        assert all(t.number == format_ticket_number(t.year, t.seq) for t in tickets)
        assert all(t.year == t.created_at.year for t in tickets)
        last = dict(session.execute(select(TicketSequence.year, TicketSequence.last_value)).all())
        seqs: dict[int, list[int]] = defaultdict(list)
        for t in tickets:
            seqs[t.year].append(t.seq)
        assert last == {year: len(found) for year, found in seqs.items()}
        assert all(sorted(found) == list(range(1, len(found) + 1)) for found in seqs.values())
    with transaction() as session:
        filed = factories.ticket(session=session, now=NOW + timedelta(minutes=1))
        assert filed.number == format_ticket_number(NOW.year, last[NOW.year] + 1)


def test_histories_dates_and_deadlines_are_coherent(db: str) -> None:
    fill(SIZE, seed=3, now=NOW)
    with transaction() as session:
        events: dict[int, list[TicketEvent]] = defaultdict(list)
        for event in session.scalars(select(TicketEvent).order_by(TicketEvent.id)):
            events[event.ticket_id].append(event)
        for ticket in _tickets(session):
            _check_ticket(ticket, events[ticket.id])


def _check_ticket(ticket: Ticket, events: list[TicketEvent]) -> None:
    assert ticket.created_at <= ticket.updated_at <= NOW
    assert ticket.forward_due_at == forward_due(ticket.created_at)
    assert events[0].kind == EventKind.CREATED and events[0].created_at == ticket.created_at
    status = None
    for event in events:  # each step starts where the one before ended
        assert event.from_status == status, (ticket.number, [e.kind for e in events])
        assert ticket.created_at <= event.created_at <= NOW
        status = event.to_status
    assert status == ticket.status
    if ticket.forwarded_at is None:
        assert ticket.agency_code is None and ticket.act_due_at is None
        assert ticket.status not in (TicketStatus.FORWARDED, TicketStatus.IN_PROGRESS)
    else:
        assert ticket.created_at < ticket.forwarded_at
        assert ticket.act_due_at == act_due(ticket.forwarded_at, agency=ticket.agency_code)
        route = route_for(ticket.category)
        allowed = {route.agency, *route.also} if route.agency else set(TRIAGE_AGENCIES)
        assert ticket.agency_code in allowed
    if ticket.status == TicketStatus.RESOLVED:
        assert ticket.forwarded_at and ticket.resolved_at
        assert ticket.forwarded_at < ticket.resolved_at
    else:
        assert ticket.resolved_at is None and ticket.rating is None
    assert ticket.suggested_agency_code == route_for(ticket.category).agency
    if ticket.status == TicketStatus.CLOSED:
        assert ticket.merged_into_id is not None and ticket.merged_into_id < ticket.id
    if ticket.location_source == LocationSource.PIN:
        assert locate(ticket.latitude, ticket.longitude).region_code == ticket.region_code
    else:
        assert ticket.place_name and ticket.address_text and ticket.region_code


def test_the_spread_is_of_a_year_of_work(db: str) -> None:
    fill(SIZE, seed=3, now=NOW)
    with transaction() as session:
        tickets = _tickets(session)
        supporters = session.scalars(select(TicketSupporter)).all()
        citizens = session.scalar(select(func.count()).select_from(Citizen))
        contacts = session.scalars(select(Contact)).all()
        conversations = {(c.channel, c.user_key) for c in session.scalars(select(Conversation))}
    assert min(t.created_at for t in tickets) >= NOW - timedelta(days=366)
    old = [t for t in tickets if t.created_at < NOW - timedelta(days=30)]
    newest = sorted(tickets, key=lambda t: t.created_at)[-10:]
    old_open = sum(is_open(t.status) for t in old) / len(old)
    assert old_open < 0.15  # most old tickets were dealt with ...
    assert sum(is_open(t.status) for t in newest) / len(newest) > old_open  # ... recent ones less
    overdue_unforwarded = [t for t in old if t.status == TicketStatus.NEW]
    assert overdue_unforwarded  # some were never forwarded
    assert {t.status for t in tickets} >= {"new", "resolved", "rejected"}
    assert {t.location_source for t in tickets} == {"pin", "place", "address"}
    assert len({t.region_code for t in tickets}) == 15
    assert len({t.category for t in tickets}) >= 12
    assert citizens is not None and citizens < SIZE  # some citizens came back
    assert {c.channel for c in contacts} == {"whatsapp", "telegram"}
    assert {(c.channel, c.user_key) for c in contacts} <= conversations
    by_id = {t.id: t for t in tickets}
    assert supporters and all(s.citizen_id != by_id[s.ticket_id].citizen_id for s in supporters)


def test_the_sweep_finds_only_what_the_last_sweep_before_the_fill_could_not(db: str) -> None:
    fill(SIZE, seed=3, now=NOW)
    leaders_after = service_levels().leaders_after
    with transaction() as session:
        recorded = session.scalars(select(Escalation)).all()
        escalated = session.scalars(
            select(TicketEvent).where(TicketEvent.kind == EventKind.ESCALATED)
        ).all()
        assert recorded and len(escalated) == len(recorded)
        for escalation in recorded:
            grace = leaders_after if escalation.level == 2 else timedelta(0)
            assert escalation.recorded_at == sweep_after(escalation.due_at + grace) <= NOW
        by_number = {t.number: t for t in _tickets(session)}
        found = sweep(session=session, now=NOW)
    for number, kind, level in found.recorded:
        ticket = by_number[number]
        due = ticket.forward_due_at if kind == "forward" else ticket.act_due_at
        assert due is not None
        grace = leaders_after if level == 2 else timedelta(0)
        # Past due, yet after the last sweep on the grid before NOW: not the fill's.
        assert due + grace < NOW < sweep_after(due + grace)
    waiting = {(t.number, "forward") for t in by_number.values()
               if t.status == TicketStatus.NEW and (t.forward_due_at or NOW) > NOW}  # fmt: skip
    waiting |= {(t.number, "act") for t in by_number.values()
                if t.act_due_at and t.act_due_at > NOW and is_open(t.status)}  # fmt: skip
    with transaction() as session:
        assert sweep(session=session, now=NOW).recorded == []
        later = sweep(session=session, now=NOW + timedelta(days=10))
    # The tickets still waiting, and only those, fall due in the next days.
    assert waiting
    assert {(number, kind) for number, kind, level in later.recorded if level == 1} == waiting


def test_growing_adds_the_difference_and_the_same_seed_gives_the_same_rows(
    db: str, blank_db_url: str
) -> None:
    assert fill(200, seed=5, now=NOW).added == 200
    assert fill(200, seed=5, now=NOW).added == 0
    grown = fill(300, seed=5, now=NOW + timedelta(hours=2))
    assert (grown.before, grown.added) == (200, 100)
    with transaction() as session:
        tickets = _tickets(session)
        last = dict(session.execute(select(TicketSequence.year, TicketSequence.last_value)).all())
    assert len(tickets) == len({t.number for t in tickets}) == 300
    assert last == {y: max(t.seq for t in tickets if t.year == y) for y in last}
    fill(200, seed=5, now=NOW, database_url=blank_db_url)
    fill(300, seed=5, now=NOW + timedelta(hours=2), database_url=blank_db_url)
    with transaction(blank_db_url) as session:
        again = _tickets(session)
    assert [_summary(t) for t in again] == [_summary(t) for t in tickets]


def _summary(ticket: Ticket) -> tuple[object, ...]:
    return (ticket.number, ticket.status, ticket.category, ticket.latitude, ticket.longitude,
            ticket.created_at, ticket.citizen_id, ticket.agency_code)  # fmt: skip


def test_filled_tickets_carry_the_sweeps_next_escalation(db: str) -> None:
    """bench.fill writes past the ORM, so it sets ticket.escalation_due_at itself: the
    same value the backfill's rule (tickets/escalation_backfill.py) gives."""
    fill(300, seed=5, now=NOW)
    with transaction() as session:
        filled = {i: due for i, due in session.execute(select(Ticket.id, Ticket.escalation_due_at))}
        refresh_escalation_due(session=session)
        rule = {i: due for i, due in session.execute(select(Ticket.id, Ticket.escalation_due_at))}
    assert any(filled.values())
    differ = [i for i in filled if filled[i] != rule[i]]
    # The backfill sets a ticket whose level 1 is recorded back to level 1 (the next
    # sweep moves it on); the fill already knows level 1 was recorded.
    for ticket_id in differ:
        before, after = filled[ticket_id], rule[ticket_id]
        assert before is not None and after is not None and before > after, ticket_id
