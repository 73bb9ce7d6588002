"""escalation_due_at for tickets written past the ORM (bulk inserts, Core UPDATEs of
status or deadlines: a data import, the benchmark's fill), which the flush hook of
tickets/models.py never sees. Set-based, the rule of migration 0017's backfill:

- an open ticket whose awaited deadline has no level-2 breach recorded gets the
  deadline itself (its level 1): the next sweep records what is missing, once,
  and moves the column on;
- every other ticket NULL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, exists, null, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from tickets.enums import BreachKind
from tickets.escalation_levels import AWAITING
from tickets.models import Escalation, Ticket

DEADLINES = {BreachKind.FORWARD: Ticket.forward_due_at, BreachKind.ACT: Ticket.act_due_at}


def _awaiting(kind: BreachKind, due: InstrumentedAttribute[datetime | None]) -> ColumnElement[bool]:
    leaders_told = exists().where(
        Escalation.ticket_id == Ticket.id, Escalation.kind == kind.value,
        Escalation.level == 2, Escalation.due_at == due,
    )  # fmt: skip
    return and_(Ticket.status.in_(AWAITING[kind]), due.is_not(None), ~leaders_told)


def refresh_escalation_due(*, session: Session, ticket_ids: Sequence[int] | None = None) -> None:
    """Recompute escalation_due_at of `ticket_ids` (default: every ticket)."""
    value = case(
        *((_awaiting(kind, due), due) for kind, due in DEADLINES.items()),
        else_=null(),
    )
    statement = update(Ticket).values(escalation_due_at=value, updated_at=Ticket.updated_at)
    if ticket_ids is not None:
        statement = statement.where(Ticket.id.in_(ticket_ids))
    session.execute(statement.execution_options(synchronize_session=False))
    for held in list(session.identity_map.values()):  # read the new value when used
        if isinstance(held, Ticket):
            session.expire(held, ["escalation_due_at"])
