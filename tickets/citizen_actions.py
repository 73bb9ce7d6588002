"""What a citizen may do with a ticket after filing it, besides rating and
reopening (tickets.workflow): add text or photos, and withdraw it.

- Adding: anyone who follows the ticket (its reporter, a supporter, the reporter
  of a report merged into it: the people told its news, tickets.following) may
  add to it while it is open. The words are stored as written, like a
  description, and reach staff through tickets.privacy (masked for a
  confidential ticket); the photos become the ticket's attachments. Whoever
  works on it now is alerted (tickets.staff_updates).
- Withdrawing: only the reporter, and only before it is forwarded (workflow.yml
  `withdraw_from`). It is closed as "withdrawn", so the SLA sweep no longer
  counts it (tickets.sweep looks at open statuses only); the operators'
  alert is dropped or followed by a note; supporters are told.

Each records a TicketEvent in the caller's transaction and never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from core.timestamps import utcnow
from tickets.enums import EventKind, TicketStatus
from tickets.following import find_followed
from tickets.models import Ticket, TicketEvent
from tickets.notifications import enqueue
from tickets.service import link_attachments
from tickets.staff_updates import alert_addition, alert_withdrawal
from tickets.statuses import is_open
from tickets.workflow import CitizenRefusal
from tickets.workflow_config import raw

# As long as a description may be (actions/report/common.py).
MAX_ADDITION_CHARS = 4000
SUPPORTERS_WITHDRAWN = "utter_notifikasi_dibatalkan_pelapor"


def withdrawable_statuses() -> tuple[TicketStatus, ...]:
    return tuple(TicketStatus(s) for s in raw().get("withdraw_from") or ())


def can_withdraw(ticket: Ticket) -> bool:
    return ticket.status in withdrawable_statuses()


def add_to_ticket(
    *,
    session: Session,
    ticket: Ticket,
    citizen_id: int,
    text: str = "",
    photo_ids: Sequence[int] = (),
    now: datetime | None = None,
) -> TicketEvent:
    """Record the citizen's addition ("citizen_addition") and alert staff."""
    session.refresh(ticket, with_for_update=True)
    followed = find_followed(session=session, citizen_id=citizen_id, number=ticket.number)
    if followed is None or followed.ticket.id != ticket.id:
        raise CitizenRefusal("not_followed")
    if not is_open(ticket.status):
        raise CitizenRefusal("closed")
    words = text.strip()[:MAX_ADDITION_CHARS]
    linked = link_attachments(session, ticket, list(photo_ids)) if photo_ids else []
    if not words and not linked:
        raise CitizenRefusal("empty")
    now = now or utcnow()
    event = TicketEvent(ticket=ticket, kind=EventKind.CITIZEN_ADDITION,
                        from_status=ticket.status, to_status=ticket.status,
                        actor=f"citizen:{citizen_id}", note=words or None,
                        data={"photo_ids": linked, "relation": followed.relation.value},
                        created_at=now)  # fmt: skip
    session.add(event)
    session.flush()
    alert_addition(session=session, ticket=ticket, event=event, photo_ids=linked)
    return event


def withdraw_ticket(
    *, session: Session, ticket: Ticket, citizen_id: int, now: datetime | None = None
) -> TicketEvent:
    """The reporter withdraws a ticket not yet forwarded ("withdrawn", closed)."""
    session.refresh(ticket, with_for_update=True)
    if ticket.citizen_id != citizen_id:
        raise CitizenRefusal("not_followed")
    if not can_withdraw(ticket):
        raise CitizenRefusal("forwarded" if is_open(ticket.status) else "closed")
    now = now or utcnow()
    event = TicketEvent(ticket=ticket, kind=EventKind.WITHDRAWN, from_status=ticket.status,
                        to_status=TicketStatus.WITHDRAWN, actor=f"citizen:{citizen_id}",
                        data={}, created_at=now)  # fmt: skip
    ticket.status = TicketStatus.WITHDRAWN
    ticket.updated_at = now
    session.add(event)
    session.flush()
    alert_withdrawal(session=session, ticket=ticket, event=event)
    _tell_supporters(session, ticket, event)
    return event


def _tell_supporters(session: Session, ticket: Ticket, event: TicketEvent) -> None:
    """Supporters followed the report: they learn it is gone and may file their own."""
    for supporter in ticket.supporters:
        for contact in supporter.citizen.contacts:
            if contact.blocked_at is not None:
                continue
            enqueue(session=session, channel=contact.channel, user_key=contact.user_key,
                    response=SUPPORTERS_WITHDRAWN, variables={"nomor": ticket.number},
                    dedupe_key=f"event:{event.id}:{contact.channel}:{contact.user_key}",
                    ticket_id=ticket.id)  # fmt: skip
    session.flush()
