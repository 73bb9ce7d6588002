"""The operator workflow: who may move a ticket where (tickets/workflow.yml).

`perform(...)` checks the action, the actor's role and scope, the ticket's status
and the inputs, then changes the ticket, records a TicketEvent with the actor and
runs what follows (tickets.flows.after_action: alerts, the citizen's
notification), all in the caller's transaction. Actions are data: workflow.yml
says where each leads, who may do it, what it needs and what follows; a change
beyond the status (routing to an agency, the act deadline) is code registered
here under the name workflow.yml gives as `apply`.

Two people acting on the same ticket at once cannot both win: `perform` first
re-reads the ticket with a row lock (SELECT ... FOR UPDATE on PostgreSQL; SQLite
transactions already hold the write lock), so the second waits and then sees the
new status (`status` error). The ticket's version column is the safety net: a
stale UPDATE raises StaleDataError, which callers report with `conflict_error`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from core.timestamps import utcnow
from knowledge.agencies import get_agency
from knowledge.regions import get_region
from tickets.deadlines import act_due, forward_due
from tickets.enums import EventKind, StaffRole, TicketStatus
from tickets.flows import FOLLOW_UPS, after_action
from tickets.models import StaffUser, Ticket, TicketEvent
from tickets.service import link_attachments
from tickets.statuses import is_open
from tickets.texts import TEXTS
from tickets.workflow_config import raw

AGENCY_ROLES = (StaffRole.AGENCY, StaffRole.AGENCY_HEAD)


@dataclass(frozen=True)
class Action:
    name: str
    roles: tuple[StaffRole, ...]
    from_statuses: tuple[TicketStatus, ...]
    to: TicketStatus
    needs: tuple[str, ...]
    notify: str | None
    apply: str | None = None  # a name in EFFECTS
    then: tuple[str, ...] = ()  # names in tickets.flows.FOLLOW_UPS


def _load(name: str, spec: dict[str, Any]) -> Action:
    """One action from workflow.yml; ValueError/KeyError for names nothing knows."""
    action = Action(
        name=name,
        roles=tuple(StaffRole(r) for r in spec["roles"]),
        from_statuses=tuple(TicketStatus(s) for s in spec["from"]),
        to=TicketStatus(spec["to"]),
        needs=tuple(spec.get("needs") or ()),
        notify=spec.get("notify"),
        apply=spec.get("apply"),
        then=tuple(spec.get("then") or ()),
    )
    unknown_needs = set(action.needs) - set(Request.__dataclass_fields__)
    if unknown_needs:
        raise ValueError(f"action {name}: unknown needs {sorted(unknown_needs)}")
    if action.apply is not None and action.apply not in EFFECTS:
        raise ValueError(f"action {name}: no effect registered as {action.apply!r}")
    missing = [f for f in action.then if f not in FOLLOW_UPS]
    if missing:
        raise ValueError(f"action {name}: no follow-up registered as {missing}")
    return action


@cache
def _actions() -> dict[str, Action]:
    data = raw()
    return {name: _load(name, spec) for name, spec in data["actions"].items()}


def actions() -> dict[str, Action]:
    return _actions()


class WorkflowError(Exception):
    """A refused action; `str(error)` is the Indonesian message for staff."""

    def __init__(self, code: str, **variables: Any) -> None:
        self.code = code
        super().__init__(TEXTS.text("errors", code, **variables))


@dataclass
class Request:
    """What the actor gives with an action (only what the action needs is read)."""

    agency: str | None = None
    region: str | None = None
    reason: str | None = None
    note: str | None = None
    target: Ticket | None = None
    # Stored photos (tickets.media.store_photo) to attach, e.g. the work done.
    photo_ids: list[int] = field(default_factory=list)
    # The tracking number SP4N-LAPOR! gave the report (refer_lapor).
    lapor_id: str | None = None


def conflict_error(number: str) -> WorkflowError:
    """The message for a StaleDataError that escaped a transaction (a lost race)."""
    return WorkflowError("conflict", nomor=number)


def available_actions(ticket: Ticket, actor: StaffUser) -> list[str]:
    """Actions this actor may take on this ticket now (for buttons and menus)."""
    return [
        a.name
        for a in actions().values()
        if ticket.status in a.from_statuses
        and _role_ok(a, actor)
        and _scope_error(ticket, actor) is None
    ]


def _role_ok(action: Action, actor: StaffUser) -> bool:
    return actor.role == StaffRole.ADMIN or actor.role in action.roles


def _scope_error(ticket: Ticket, actor: StaffUser) -> str | None:
    """Why the ticket is outside the actor's queue, or None."""
    if actor.role == StaffRole.ADMIN:
        return None
    if actor.region_code is not None and actor.region_code != ticket.region_code:
        return TEXTS.text("scope", "region", kode=actor.region_code)
    if actor.role in AGENCY_ROLES and actor.agency_code != ticket.agency_code:
        return TEXTS.text("scope", "agency", kode=actor.agency_code)
    return None


def _check(action: Action, ticket: Ticket, actor: StaffUser, request: Request) -> None:
    if not _role_ok(action, actor):
        raise WorkflowError("role", peran=actor.role, aksi=action.name)
    scope = _scope_error(ticket, actor)
    if scope is not None:
        raise WorkflowError("scope", nomor=ticket.number, lingkup=scope)
    if ticket.status not in action.from_statuses:
        raise WorkflowError("status", nomor=ticket.number, status=ticket.status, aksi=action.name)
    missing = [need for need in action.needs if not getattr(request, need)]
    if missing:
        raise WorkflowError("missing", aksi=action.name, kurang=", ".join(missing))
    if request.agency is not None and get_agency(request.agency) is None:
        raise WorkflowError("agency", instansi=request.agency)
    if request.region is not None and get_region(request.region) is None:
        raise WorkflowError("region", wilayah=request.region)


# --- changes beyond the status, by the names workflow.yml gives as `apply` ------
# Each changes the ticket and returns what the event should record.
Effect = Callable[[Ticket, "Request", datetime], dict[str, Any]]


def _route_to_agency(ticket: Ticket, request: Request, now: datetime) -> dict[str, Any]:
    ticket.agency_code = request.agency
    ticket.forwarded_at = now
    ticket.act_due_at = act_due(now, agency=request.agency)
    return {"agency": request.agency}


def _reroute(ticket: Ticket, request: Request, now: datetime) -> dict[str, Any]:
    region = request.region or ticket.region_code
    agency = request.agency or ticket.agency_code or ticket.suggested_agency_code
    if region == ticket.region_code and agency == (
        ticket.agency_code or ticket.suggested_agency_code
    ):
        raise WorkflowError("reroute_same")
    data = {"from_region": ticket.region_code, "to_region": region,
            "from_agency": ticket.agency_code, "to_agency": agency}  # fmt: skip
    ticket.region_code = region
    ticket.suggested_agency_code = agency
    ticket.agency_code = None
    ticket.forwarded_at = ticket.act_due_at = None
    # The new queue gets a fresh forwarding deadline.
    ticket.forward_due_at = forward_due(now)
    return data


def _merge_into_target(ticket: Ticket, request: Request, now: datetime) -> dict[str, Any]:
    target = request.target
    if target is None or target.id == ticket.id or not is_open(target.status):
        raise WorkflowError("target", target=target.number if target else "-")
    ticket.merged_into_id = target.id
    return {"merged_into": target.number}


LAPOR_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{3,31}$")


def _refer_to_lapor(ticket: Ticket, request: Request, now: datetime) -> dict[str, Any]:
    tracking = (request.lapor_id or "").strip()
    if not LAPOR_ID.match(tracking):
        raise WorkflowError("lapor_id", nomor=tracking)
    ticket.lapor_tracking_id = tracking
    ticket.forwarded_at = ticket.forwarded_at or now
    ticket.act_due_at = None  # followed on SP4N-LAPOR!, not by an agency here
    return {"lapor_id": tracking}


def _mark_resolved(ticket: Ticket, request: Request, now: datetime) -> dict[str, Any]:
    ticket.resolved_at = now
    return {}


EFFECTS: dict[str, Effect] = {
    "route_to_agency": _route_to_agency,
    "reroute": _reroute,
    "merge_into_target": _merge_into_target,
    "mark_resolved": _mark_resolved,
    "refer_to_lapor": _refer_to_lapor,
}


def _attach_photos(session: Session, ticket: Ticket, photo_ids: list[int]) -> list[int]:
    return link_attachments(session, ticket, photo_ids) if photo_ids else []


def perform(
    *,
    session: Session,
    ticket: Ticket,
    action: str,
    actor: StaffUser,
    request: Request | None = None,
    now: datetime | None = None,
) -> TicketEvent:
    config = actions().get(action)
    if config is None:
        raise WorkflowError("unknown_action", aksi=action)
    request = request or Request()
    now = now or utcnow()
    session.refresh(ticket, with_for_update=True)
    _check(config, ticket, actor, request)
    from_status = ticket.status
    data = EFFECTS[config.apply](ticket, request, now) if config.apply else {}
    photos = _attach_photos(session, ticket, request.photo_ids)
    if photos:
        data["photo_ids"] = photos
    ticket.status = config.to
    ticket.updated_at = now
    event = TicketEvent(
        ticket=ticket,
        kind=action,
        from_status=from_status,
        to_status=config.to,
        actor=f"{actor.role}:{actor.id}",
        note=request.note or request.reason,
        data=data,
        created_at=now,
    )
    session.add(event)
    session.flush()
    after_action(session=session, ticket=ticket, event=event, follow_ups=config.then,
                 notify=config.notify)  # fmt: skip
    return event


# --- the citizen's side: rating and reopening a resolved ticket -----------------


class CitizenRefusal(Exception):
    """Why a citizen cannot rate or reopen; `str(error)` is the Indonesian reason."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(TEXTS.text("citizen_errors", code))


def _own_resolved(ticket: Ticket, citizen_id: int) -> None:
    if ticket.citizen_id != citizen_id:
        raise CitizenRefusal("not_yours")
    if ticket.status != TicketStatus.RESOLVED:
        raise CitizenRefusal("not_resolved")


def rate(
    *,
    session: Session,
    ticket: Ticket,
    citizen_id: int,
    rating: int,
    now: datetime | None = None,
) -> TicketEvent:
    """The citizen's 1-5 verdict on their resolved ticket (once)."""
    session.refresh(ticket, with_for_update=True)
    _own_resolved(ticket, citizen_id)
    if ticket.rating is not None:
        raise CitizenRefusal("already_rated")
    if not 1 <= rating <= 5:
        raise CitizenRefusal("bad_rating")
    now = now or utcnow()
    ticket.rating, ticket.rated_at = rating, now
    event = TicketEvent(ticket=ticket, kind=EventKind.RATED, from_status=ticket.status,
                        to_status=ticket.status, actor=f"citizen:{citizen_id}",
                        data={"rating": rating}, created_at=now)  # fmt: skip
    session.add(event)
    session.flush()
    return event


def comment(*, session: Session, ticket: Ticket, citizen_id: int, text: str) -> None:
    """The optional comment that follows a rating."""
    if ticket.citizen_id != citizen_id:
        raise CitizenRefusal("not_yours")
    ticket.rating_comment = text.strip()[:2000]
    session.flush()


def reopen(
    *, session: Session, ticket: Ticket, citizen_id: int, now: datetime | None = None
) -> TicketEvent:
    """ "Belum beres": back to the agency within the reopening window, with a new
    action deadline."""
    session.refresh(ticket, with_for_update=True)
    _own_resolved(ticket, citizen_id)
    now = now or utcnow()
    window = timedelta(days=int(raw()["reopen_within_days"]))
    if ticket.resolved_at is None or now - ticket.resolved_at > window:
        raise CitizenRefusal("too_late")
    ticket.status = TicketStatus.IN_PROGRESS
    ticket.resolved_at = None
    ticket.rating = ticket.rated_at = None
    ticket.act_due_at = act_due(now, agency=ticket.agency_code)
    ticket.updated_at = now
    event = TicketEvent(ticket=ticket, kind=EventKind.REOPENED,
                        from_status=TicketStatus.RESOLVED,
                        to_status=TicketStatus.IN_PROGRESS, actor=f"citizen:{citizen_id}",
                        data={}, created_at=now)  # fmt: skip
    session.add(event)
    session.flush()
    return event
