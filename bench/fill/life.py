"""One ticket's life from filing to now, as the workflow would have recorded it.

`live` draws what the operator, the agency and the citizen did and when
(tickets/workflow.yml: forward, accept, resolve, reject, merge; the reporter's
withdrawal and rating); a step later than `now` has not happened. `breaches` is
what the SLA sweep, running every SWEEP_EVERY, recorded of its deadlines
(tickets/escalation.py: level 1 at the first sweep after the deadline, level 2
a day later, each only while the ticket still waited on that step).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.fill import spread
from bench.fill.texts import TEXTS
from knowledge.agencies import all_agencies, route_for
from tickets.deadlines import act_due, forward_due, service_levels
from tickets.enums import BreachKind, EventKind, TicketStatus

NEVER = datetime.max.replace(tzinfo=UTC)
FORWARDED = 1.0  # a roll above every operator's share: the ticket is forwarded
# Agencies an operator picks for a category the routing leaves to them.
TRIAGE_AGENCIES = tuple(a.code for a in all_agencies() if a.regional)


@dataclass(frozen=True)
class Target:
    """A ticket another may be merged into: open from `created` until `closed`."""

    id: int
    number: str
    created: datetime
    closed: datetime


@dataclass(frozen=True, slots=True)
class Step:
    at: datetime
    kind: str
    to_status: str
    actor: str
    note: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Story:
    created: datetime
    forward_due: datetime
    steps: list[Step] = field(default_factory=list)  # in time order, none after now
    agency: str | None = None
    forwarded_at: datetime | None = None
    act_due: datetime | None = None
    accepted_at: datetime | None = None
    resolved_at: datetime | None = None
    rating: int | None = None
    rating_comment: str | None = None
    rated_at: datetime | None = None
    merged_into: Target | None = None
    # When the operator's and the agency's steps end (planned, maybe after now).
    left_new: datetime = NEVER
    left_agency: datetime = NEVER

    @property
    def status(self) -> str:
        return self.steps[-1].to_status if self.steps else TicketStatus.NEW

    @property
    def closed(self) -> datetime:
        """When it stopped being open (NEVER for a ticket still waiting)."""
        return self.left_agency if self.forwarded_at else self.left_new

    def status_at(self, at: datetime) -> str:
        status: str = TicketStatus.NEW
        for step in self.steps:
            if step.at > at:
                break
            status = step.to_status
        return status


@dataclass(frozen=True)
class Breach:
    kind: BreachKind
    level: int
    due: datetime
    recorded: datetime
    status: str  # the ticket's status when it was recorded


def hours(rng: random.Random, delay: tuple[float, float]) -> timedelta:
    median, sigma = delay
    return timedelta(hours=rng.lognormvariate(0, sigma) * median)


class Life:
    """Draws stories; `operators` and `agency_staff` give the actors' ids."""

    def __init__(
        self,
        rng: random.Random,
        now: datetime,
        operators: Callable[[str], int],
        agency_staff: Callable[[str, str], int],
    ) -> None:
        self.rng, self.now = rng, now
        self.operators, self.agency_staff = operators, agency_staff

    def live(
        self,
        *,
        created: datetime,
        category: str,
        region: str,
        citizen_id: int,
        merge_target: Callable[[datetime], Target | None],
    ) -> Story:
        rng = self.rng
        story = Story(created=created, forward_due=forward_due(created))
        operator = f"operator:{self.operators(region)}"
        acted = created + hours(rng, spread.OPERATOR_DELAY)
        roll = rng.random()
        share = spread.WITHDRAWN_SHARE
        if roll < share:
            withdrawn = created + hours(rng, spread.WITHDRAW_DELAY)
            if withdrawn < acted:
                story.left_new = withdrawn
                self._step(story, withdrawn, EventKind.WITHDRAWN, TicketStatus.WITHDRAWN,
                           f"citizen:{citizen_id}")  # fmt: skip
                return story
            roll = FORWARDED  # too late: the operator had forwarded it
        if roll < (share := share + spread.REJECTED_SHARE):
            story.left_new = acted
            self._step(story, acted, "reject", TicketStatus.REJECTED, operator,
                       note=rng.choice(TEXTS["reject_reasons"]))  # fmt: skip
            return story
        if roll < (share := share + spread.MERGED_SHARE):
            target = merge_target(acted)
            if target is not None:
                story.left_new, story.merged_into = acted, target
                self._step(story, acted, "merge", TicketStatus.CLOSED, operator,
                           data={"merged_into": target.number})  # fmt: skip
                return story
            roll = FORWARDED  # no open ticket to merge it into
        if roll < share + spread.NEGLECTED_SHARE:
            return story  # the region's operators never got to it
        self._forward(story, acted, category, region, operator, f"citizen:{citizen_id}")
        return story

    def _forward(
        self, story: Story, at: datetime, category: str, region: str, operator: str, citizen: str
    ) -> None:
        rng = self.rng
        route = route_for(category)
        agency = route.agency or rng.choice(TRIAGE_AGENCIES)
        if route.also and rng.random() < spread.OTHER_AGENCY_SHARE:
            agency = rng.choice(route.also)
        story.left_new = at
        if not self._step(story, at, "forward", TicketStatus.FORWARDED, operator,
                          data={"agency": agency}):  # fmt: skip
            return
        story.agency, story.forwarded_at, story.act_due = agency, at, act_due(at, agency=agency)
        staff = f"agency:{self.agency_staff(agency, region)}"
        stuck = rng.random() < spread.STUCK_SHARE
        accepted = at + hours(rng, spread.ACCEPT_DELAY)
        resolved = at + hours(rng, spread.RESOLVE_DELAY)
        if (stuck or accepted < resolved) and self._step(
            story, accepted, "accept", TicketStatus.IN_PROGRESS, staff
        ):
            story.accepted_at = accepted
        if stuck:
            return
        story.left_agency = resolved
        if not self._step(story, resolved, "resolve", TicketStatus.RESOLVED, staff,
                          note=rng.choice(TEXTS["resolve_notes"])):  # fmt: skip
            return
        story.resolved_at = resolved
        if rng.random() < spread.RATED_SHARE:
            rated = resolved + hours(rng, spread.RATING_DELAY)
            rating = rng.choices(range(1, 6), weights=spread.RATING_WEIGHTS)[0]
            comment = (
                rng.choice(TEXTS["rating_comments"])
                if rng.random() < spread.RATING_COMMENT_SHARE
                else None
            )
            if self._step(story, rated, EventKind.RATED, TicketStatus.RESOLVED, citizen,
                          data={"rating": rating}):  # fmt: skip
                story.rating, story.rated_at, story.rating_comment = rating, rated, comment

    def _step(
        self,
        story: Story,
        at: datetime,
        kind: str,
        to_status: str,
        actor: str,
        note: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> bool:
        """Record a step that has happened by now; False (nothing recorded) if not yet."""
        if at > self.now:
            return False
        story.steps.append(Step(at, kind, to_status, actor, note, data or {}))
        return True


def sweep_after(at: datetime) -> datetime:
    """The first sweep strictly after `at` (sweeps run on the SWEEP_EVERY grid)."""
    every = spread.SWEEP_EVERY.total_seconds()
    return datetime.fromtimestamp((math.floor(at.timestamp() / every) + 1) * every, UTC)


def breaches(story: Story, now: datetime) -> list[Breach]:
    """Each deadline the sweep saw missed by `now`: level 1 at the first sweep past
    it, level 2 at the first one `leaders_after` later, while the step was awaited."""
    found = []
    later = service_levels().leaders_after
    waits = [(BreachKind.FORWARD, story.forward_due, story.left_new)]
    if story.act_due is not None:
        waits.append((BreachKind.ACT, story.act_due, story.left_agency))
    for kind, due, until in waits:
        for level, grace in ((1, timedelta(0)), (2, later)):
            recorded = sweep_after(due + grace)
            if recorded <= now and recorded < until:
                found.append(Breach(kind, level, due, recorded, story.status_at(recorded)))
    return found
