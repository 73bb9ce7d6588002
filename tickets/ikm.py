"""Indeks Kepuasan Masyarakat per OPD (Permenpan RB 14/2017).

After a report is resolved the citizen may answer the nine elements (tickets/ikm.yml)
on the 1-4 scale, one answer per ticket and element. For a period and an agency:
NRR per element = the mean of its answers; IKM = the sum of NRR x weight (1/9 each
by default), x 25 for the 25-100 scale, and the grade of the regulation's intervals.
Respondents are the tickets with all nine answered (a partial set counts in the NRR
of what it answered, not as a respondent); the service users are the agency's
tickets resolved in the period, and Krejcie-Morgan gives the minimum sample for them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.timestamps import utcnow
from tickets.following import number_query
from tickets.ikm_models import IkmAnswer
from tickets.models import Ticket
from tickets.texts import TEXTS

CONFIG = Path(__file__).with_name("ikm.yml")
SCORES = (1, 2, 3, 4)
ANSWERABLE = ("resolved", "closed")


class IkmError(Exception):
    def __init__(self, code: str, **variables: Any) -> None:
        self.code = code
        super().__init__(TEXTS.text("ikm_errors", code, **variables))


@dataclass(frozen=True)
class Element:
    code: str
    name: str
    weight: float
    question: str = ""
    options: tuple[str, ...] = ()  # the answers for scores 1-4, in order
    short: tuple[str, ...] = ()  # the same, fitting a small button


@dataclass(frozen=True)
class Grade:
    grade: str
    low: float
    high: float
    label: str


@cache
def _config() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    return data


@cache
def elements() -> tuple[Element, ...]:
    raw = _config()["elements"]
    weights = _config().get("weights") or {e["code"]: 1 / len(raw) for e in raw}
    if set(weights) != {e["code"] for e in raw} or not math.isclose(sum(weights.values()), 1.0):
        raise ValueError("tickets/ikm.yml: weights must name every element and sum to 1")
    found = tuple(
        Element(
            e["code"],
            e["name"],
            float(weights[e["code"]]),
            e.get("question", ""),
            tuple(e.get("options") or ()),
            tuple(e.get("short") or e.get("options") or ()),
        )
        for e in raw
    )
    if any(len(e.options) != len(SCORES) or len(e.short) != len(SCORES) for e in found):
        raise ValueError("tickets/ikm.yml: every element needs one option per score (1-4)")
    return found


def open_days() -> int:
    return int(_config()["open_days"])


def stop_button() -> str:
    return str(_config()["stop_button"])


def grade_of(value: float) -> Grade:
    """The grade of an IKM on the 25-100 scale (rounded to 2 decimals, as reported)."""
    shown = round(value, 2)
    for item in _config()["grades"]:
        if item["low"] <= shown <= item["high"]:
            return Grade(**item)
    raise ValueError(f"IKM {value} is outside 25-100")


def minimum_sample(users: int) -> int:
    """Krejcie-Morgan's sample size for a population of `users`, rounded to the
    nearest as their table is (N=50 -> 44, 100 -> 80, 1,000 -> 278)."""
    if users <= 0:
        return 0
    p = _config()["sample"]
    chi, prop, margin = p["chi_square"], p["proportion"], p["margin"]
    n = chi * users * prop * (1 - prop) / (margin**2 * (users - 1) + chi * prop * (1 - prop))
    return min(users, math.floor(n + 0.5))


def record_answer(
    *, session: Session, ticket: Ticket, element: str, score: int, now: datetime | None = None
) -> IkmAnswer:
    """The citizen's answer; a second answer to the same element keeps the first."""
    if ticket.status not in ANSWERABLE:
        raise IkmError("not_resolved", nomor=ticket.number)
    if _expired(ticket, now or utcnow()):
        raise IkmError("expired", nomor=ticket.number, hari=open_days())
    if element not in {e.code for e in elements()}:
        raise IkmError("element", unsur=element)
    if score not in SCORES:
        raise IkmError("score")
    found = session.scalar(
        select(IkmAnswer).where(IkmAnswer.ticket_id == ticket.id, IkmAnswer.element == element)
    )
    if found is not None:
        return found
    answer = IkmAnswer(
        ticket_id=ticket.id,
        agency_code=ticket.agency_code,
        element=element,
        score=score,
        answered_at=now or utcnow(),
    )
    session.add(answer)
    session.flush()
    return answer


def next_element(*, session: Session, ticket: Ticket) -> Element | None:
    """The first element the ticket's survey has not answered (resuming), or None."""
    done = answered(session=session, ticket=ticket)
    return next((e for e in elements() if e.code not in done), None)


def answered(*, session: Session, ticket: Ticket) -> set[str]:
    """The elements the ticket's survey has answered."""
    return set(session.scalars(select(IkmAnswer.element).where(IkmAnswer.ticket_id == ticket.id)))


def _expired(ticket: Ticket, now: datetime) -> bool:
    resolved = ticket.resolved_at
    return resolved is not None and now - resolved > timedelta(days=open_days())


def survey_ticket(
    *, session: Session, citizen_id: int | None, number: str | None = None,
    now: datetime | None = None,
) -> Ticket:  # fmt: skip
    """The ticket whose survey the citizen takes: the one named (their own report,
    resolved, survey open), else their latest resolved report whose survey is open
    and unfinished. IkmError says why there is none."""
    now = now or utcnow()
    if number:
        ticket = session.scalars(number_query(number)).one_or_none()
        if ticket is None or citizen_id is None or ticket.citizen_id != citizen_id:
            raise IkmError("not_yours", nomor=number)
        if ticket.status not in ANSWERABLE:
            raise IkmError("not_resolved", nomor=ticket.number)
        if next_element(session=session, ticket=ticket) is None:
            raise IkmError("complete", nomor=ticket.number)
        if _expired(ticket, now):
            raise IkmError("expired", nomor=ticket.number, hari=open_days())
        return ticket
    if citizen_id is not None:
        complete = (
            select(IkmAnswer.ticket_id)
            .group_by(IkmAnswer.ticket_id)
            .having(func.count() >= len(elements()))
        )
        resolved = func.coalesce(Ticket.resolved_at, Ticket.updated_at)
        ticket = session.scalars(
            select(Ticket)
            .where(
                Ticket.citizen_id == citizen_id,
                Ticket.status.in_(ANSWERABLE),
                Ticket.merged_into_id.is_(None),
                resolved >= now - timedelta(days=open_days()),
                Ticket.id.not_in(complete),
            )
            .order_by(resolved.desc(), Ticket.id.desc())
            .limit(1)
        ).first()
        if ticket is not None:
            return ticket
    raise IkmError("none")


@dataclass(frozen=True)
class AgencyIkm:
    agency: str | None
    respondents: int  # complete answer sets
    service_users: int  # tickets resolved in the period
    minimum_sample: int
    nrr: dict[str, float]  # element -> mean score (over every answer to it)
    ikm: float | None  # 1-4 scale
    score: float | None  # x 25
    grade: Grade | None

    @property
    def enough(self) -> bool:
        return self.respondents >= self.minimum_sample > 0


def report(*, session: Session, start: datetime, end: datetime) -> list[AgencyIkm]:
    """Per agency, the answers given in [start, end)."""
    rows = session.execute(
        select(
            IkmAnswer.agency_code, IkmAnswer.ticket_id, IkmAnswer.element, IkmAnswer.score
        ).where(IkmAnswer.answered_at >= start, IkmAnswer.answered_at < end)
    ).all()
    users = dict(
        session.execute(
            select(Ticket.agency_code, func.count())
            .where(Ticket.resolved_at >= start, Ticket.resolved_at < end)
            .group_by(Ticket.agency_code)
        ).all()
    )
    by_agency: dict[str | None, list[tuple[int, str, int]]] = {}
    for agency, ticket_id, element, score in rows:
        by_agency.setdefault(agency, []).append((ticket_id, element, score))
    codes = [e.code for e in elements()]
    found = []
    for agency, answers in sorted(by_agency.items(), key=lambda kv: kv[0] or ""):
        per_element: dict[str, list[int]] = {c: [] for c in codes}
        per_ticket: dict[int, set[str]] = {}
        for ticket_id, element, score in answers:
            per_element[element].append(score)
            per_ticket.setdefault(ticket_id, set()).add(element)
        nrr = {c: sum(s) / len(s) for c, s in per_element.items() if s}
        complete = sum(1 for done in per_ticket.values() if done >= set(codes))
        ikm = sum(nrr[e.code] * e.weight for e in elements()) if len(nrr) == len(codes) else None
        served = int(users.get(agency, 0))
        found.append(
            AgencyIkm(
                agency,
                complete,
                served,
                minimum_sample(served),
                nrr,
                ikm,
                ikm * 25 if ikm is not None else None,
                grade_of(ikm * 25) if ikm is not None else None,
            )
        )
    return found
