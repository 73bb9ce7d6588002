"""A month of Lampung-wide reports at 10x Lampung-In's volume, with the real workflow.

    python -m bench.sla_simulation [--days 30] [--per-day 60] [--seed 7]

Reports arrive at random times over the simulated month (about 60 a day, spread
over the 15 kabupaten/kota by population-like weights, at real village
coordinates), operators forward them after a random delay (sometimes too late,
sometimes rejecting or re-routing), agencies accept and resolve after another
random delay. The SLA sweep runs every simulated 30 minutes with a FixedClock.
Everything goes through tickets.service, tickets.workflow and tickets.escalation
on a real database; nothing is mocked but the people and the clock.

Reports: SLA compliance per step, escalations recorded (each once), and that no
ticket is left without an owner (a region's queue, or an agency once forwarded).
"""

from __future__ import annotations

import argparse
import heapq
import random
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from core.clock import FixedClock
from core.db import get_engine, transaction
from knowledge.agencies import route_for
from knowledge.categories import all_categories
from knowledge.geo.region import LAMPUNG, default_locator
from knowledge.regions import region_by_bps_code
from tickets.escalation import sweep
from tickets.models import Escalation, StaffUser, Ticket
from tickets.reference import upgrade
from tickets.service import create_ticket, get_or_create_citizen
from tickets.workflow import Request, WorkflowError, perform

START = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)
SWEEP_EVERY = timedelta(minutes=30)


@dataclass(order=True)
class Step:
    at: datetime
    seq: int
    kind: str = field(compare=False)
    ticket_id: int = field(compare=False, default=0)
    data: dict[str, Any] = field(compare=False, default_factory=dict)


def _hours(rng: random.Random, median: float, sigma: float) -> timedelta:
    return timedelta(hours=rng.lognormvariate(0, sigma) * median)


class Simulation:
    def __init__(self, *, days: int, per_day: int, seed: int, database_url: str) -> None:
        self.days, self.per_day, self.url = days, per_day, database_url
        self.rng = random.Random(seed)
        self.clock = FixedClock(START)
        self.queue: list[Step] = []
        self.seq = 0
        self.staff: dict[tuple[str, str | None, str | None], int] = {}
        villages = [v for v in default_locator().villages if v.province == LAMPUNG]
        self.villages = villages
        self.categories = [c.id for c in all_categories()]
        self.counts = {"filed": 0, "forwarded": 0, "rejected": 0, "rerouted": 0,
                       "resolved": 0, "refused_actions": 0}  # fmt: skip

    def push(self, at: datetime, kind: str, ticket_id: int = 0, **data: Any) -> None:
        self.seq += 1
        heapq.heappush(self.queue, Step(at, self.seq, kind, ticket_id, data))

    def actor(
        self, session: Any, role: str, region: str | None, agency: str | None = None
    ) -> StaffUser:
        """The (one) staff user of this role and scope, created on first use."""
        key = (role, region, agency)
        if key not in self.staff:
            user = StaffUser(name=f"{role} {region} {agency}", role=role,
                             region_code=region, agency_code=agency)  # fmt: skip
            session.add(user)
            session.flush()
            self.staff[key] = user.id
        found = session.get(StaffUser, self.staff[key])
        assert found is not None
        return found

    # --- events ---------------------------------------------------------------

    def file(self, at: datetime) -> None:
        village = self.rng.choice(self.villages)  # more villages, more people, more reports
        region = region_by_bps_code(village.regency_code)
        category = self.rng.choice(self.categories)
        with transaction(self.url) as session:
            citizen = get_or_create_citizen(session=session, channel="sim",
                                            user_key=str(self.rng.randrange(10**9)))  # fmt: skip
            ticket = create_ticket(
                session=session, citizen=citizen, category=category,
                description="laporan simulasi", latitude=village.lat, longitude=village.lon,
                region_code=region.code if region else None, now=at,
            )  # fmt: skip
            ticket_id = ticket.id
        self.counts["filed"] += 1
        # Operators: median 5 h, a long tail past the 24 h deadline.
        self.push(at + _hours(self.rng, 5, 1.1), "operator", ticket_id)

    def operator(self, step: Step) -> None:
        with transaction(self.url) as session:
            ticket = session.get(Ticket, step.ticket_id)
            assert ticket is not None
            roll = self.rng.random()
            actor = self.actor(session, "operator", ticket.region_code)
            agency = ticket.suggested_agency_code or route_for("sampah").agency
            try:
                if roll < 0.03:
                    perform(session=session, ticket=ticket, action="reject", actor=actor,
                            request=Request(reason="bukan laporan"), now=step.at)  # fmt: skip
                    self.counts["rejected"] += 1
                    return
                if roll < 0.08 and ticket.status == "new":
                    other = self.rng.choice([v for v in self.villages[:50]]).regency_code
                    target = region_by_bps_code(other)
                    if target and target.code != ticket.region_code:
                        perform(session=session, ticket=ticket, action="reroute", actor=actor,
                                request=Request(reason="bukan wewenang", region=target.code),
                                now=step.at)  # fmt: skip
                        self.counts["rerouted"] += 1
                        self.push(step.at + _hours(self.rng, 5, 1.1), "operator", ticket.id)
                        return
                perform(session=session, ticket=ticket, action="forward", actor=actor,
                        request=Request(agency=agency), now=step.at)  # fmt: skip
                self.counts["forwarded"] += 1
                region, agency_code = ticket.region_code, ticket.agency_code
            except WorkflowError:
                self.counts["refused_actions"] += 1
                return
        # Agencies: accept after ~8 h, resolve after a median 40 h with a long tail.
        self.push(step.at + _hours(self.rng, 8, 0.8), "accept", step.ticket_id,
                  region=region, agency=agency_code)  # fmt: skip
        self.push(step.at + _hours(self.rng, 40, 0.6), "resolve", step.ticket_id,
                  region=region, agency=agency_code)  # fmt: skip

    def agency_step(self, step: Step, action: str) -> None:
        with transaction(self.url) as session:
            ticket = session.get(Ticket, step.ticket_id)
            actor = self.actor(session, "agency", step.data["region"], step.data["agency"])
            assert ticket is not None
            if action == "accept" and ticket.status != "forwarded":
                return
            try:
                perform(session=session, ticket=ticket, action=action, actor=actor,
                        request=Request(note="selesai ditangani"), now=step.at)  # fmt: skip
            except WorkflowError:
                self.counts["refused_actions"] += 1
                return
        if action == "resolve":
            self.counts["resolved"] += 1

    # --- run ------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        end = START + timedelta(days=self.days)
        for day in range(self.days):
            for _ in range(self.per_day):
                self.push(START + timedelta(days=day, seconds=self.rng.randrange(86400)), "file")
        next_sweep = START + SWEEP_EVERY
        sweeps = 0
        started = time.perf_counter()
        while self.queue and self.queue[0].at < end:
            step = heapq.heappop(self.queue)
            while next_sweep <= step.at:
                self.clock.now = next_sweep
                with transaction(self.url) as session:
                    sweep(session=session, now=next_sweep)
                sweeps += 1
                next_sweep += SWEEP_EVERY
            if step.kind == "file":
                self.file(step.at)
            elif step.kind == "operator":
                self.operator(step)
            else:
                self.agency_step(step, step.kind)
        elapsed = time.perf_counter() - started
        return {**self.measure(end), "sweeps": sweeps, "seconds": round(elapsed, 1)}

    def measure(self, end: datetime) -> dict[str, Any]:
        with transaction(self.url) as session:
            tickets = list(session.scalars(select(Ticket)))
            forwarded = [t for t in tickets if t.forwarded_at is not None]
            on_time_forward = sum(
                1
                for t in forwarded
                if t.forward_due_at and t.forwarded_at and t.forwarded_at <= t.forward_due_at
            )
            resolved = [t for t in tickets if t.resolved_at is not None and t.forwarded_at]
            on_time_act = sum(
                1
                for t in resolved
                if t.act_due_at and t.resolved_at and t.resolved_at <= t.act_due_at
            )
            ownerless = [
                t.number for t in tickets
                if t.region_code is None
                or (t.status in ("forwarded", "in_progress") and t.agency_code is None)
            ]  # fmt: skip
            escalations = dict(
                session.execute(
                    select(Escalation.kind, func.count()).where(Escalation.level == 1)
                    .group_by(Escalation.kind)
                ).all()
            )  # fmt: skip
            level2 = session.scalar(
                select(func.count()).select_from(Escalation).where(Escalation.level == 2)
            )
            duplicates = session.scalar(
                select(func.count()).select_from(
                    select(Escalation.ticket_id, Escalation.kind, Escalation.level,
                           Escalation.due_at)
                    .group_by(Escalation.ticket_id, Escalation.kind, Escalation.level,
                              Escalation.due_at)
                    .having(func.count() > 1)
                    .subquery()
                )
            )  # fmt: skip
        return {
            "days": self.days,
            "tickets": len(tickets),
            **self.counts,
            "forwarded_on_time": round(on_time_forward / len(forwarded), 3) if forwarded else None,
            "resolved_on_time": round(on_time_act / len(resolved), 3) if resolved else None,
            "forward_escalations": int(escalations.get("forward", 0)),
            "act_escalations": int(escalations.get("act", 0)),
            "leader_escalations": int(level2 or 0),
            "duplicate_escalations": int(duplicates or 0),
            "tickets_without_owner": ownerless,
        }


def simulate(*, days: int = 30, per_day: int = 60, seed: int = 7) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'sim.db'}"
        upgrade(url)
        try:
            return Simulation(days=days, per_day=per_day, seed=seed, database_url=url).run()
        finally:
            get_engine(url).dispose()


def markdown(result: dict[str, Any]) -> str:
    return f"""{result["days"]} simulated days at about 10x Lampung-In's volume
(bench/sla_simulation.py): {result["tickets"]} reports at random village coordinates across
the 15 kabupaten/kota, random operator delays (median 5 h, long tail) and agency delays
(accept ~8 h, resolve median 40 h), through the real workflow and the SLA sweep (every 30
simulated minutes) on SQLite; {result["seconds"]} s of wall time. Tickets still open at the
end count neither as on time nor as late.

| measure | value |
| --- | --- |
| filed / forwarded / rejected / re-routed / resolved | {result["filed"]} / {result["forwarded"]} / {result["rejected"]} / {result["rerouted"]} / {result["resolved"]} |
| forwarded within 24 h | {result["forwarded_on_time"]:.1%} |
| resolved within 72 h of forwarding | {result["resolved_on_time"]:.1%} |
| escalations: forwarding late / action late / to leaders (a day later) | {result["forward_escalations"]} / {result["act_escalations"]} / {result["leader_escalations"]} |
| escalations recorded twice | {result["duplicate_escalations"]} |
| tickets without an owner (no region, or forwarded without agency) | {len(result["tickets_without_owner"])} |
| sweeps run | {result["sweeps"]} |
"""  # noqa: E501


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sla_simulation")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--per-day", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(markdown(simulate(days=args.days, per_day=args.per_day, seed=args.seed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
