"""SLA deadlines, the sweep across simulated days, the digest and the report."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import ColumnElement, func, select

from bot import workers
from bot.cli import main
from core.clock import FixedClock
from core.db import transaction
from tests import factories
from tickets.escalation import daily_digest, report, sweep
from tickets.models import Escalation, Notification, StaffUser, Ticket, TicketEvent
from tickets.workflow import Request, perform

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # Monday 08.00 WIB


def _ticket(region: str) -> int:
    with transaction() as session:
        return factories.ticket(session=session, region=region, now=T0).id


def _staff(role: str, telegram_id: int | None, region: str | None = None,
           agency: str | None = None) -> int:  # fmt: skip
    contacts = [] if telegram_id is None else [("telegram", str(telegram_id))]
    with transaction() as session:
        return factories.staff(session=session, role=role, region=region, agency=agency,
                               contacts=contacts).id  # fmt: skip


def _sweep(clock: FixedClock) -> list[tuple[str, str, int]]:
    with transaction() as session:
        return sweep(session=session, now=clock()).recorded


def _count(model: type, *where: ColumnElement[bool]) -> int:
    with transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _staff_messages(telegram_id: int) -> list[str]:
    with transaction() as session:
        rows = session.scalars(
            select(Notification).where(Notification.user_key == str(telegram_id))
        ).all()
        return [r.response for r in rows]


@pytest.fixture
def world(db: str) -> dict[str, int]:
    return {
        "bdl": _ticket("bandar_lampung"),
        "metro": _ticket("metro"),
        "coordinator": _staff("coordinator", 9001, region="bandar_lampung"),
        "head": _staff("agency_head", 9002, region="bandar_lampung", agency="dlh"),
        "leader": _staff("leader", 9003),
        "operator": _staff("operator", None, region="bandar_lampung"),
    }


def test_breaches_are_recorded_once_and_escalated_up(world: dict[str, int]) -> None:
    clock = FixedClock(T0)
    clock.advance(timedelta(hours=23))
    assert _sweep(clock) == []

    clock.advance(timedelta(hours=2))  # T0 + 25 h: both missed the 24 h forwarding deadline
    recorded = _sweep(clock)
    assert sorted((kind, level) for _, kind, level in recorded) == [("forward", 1)] * 2
    assert _staff_messages(9001) == ["utter_eskalasi_teruskan"]  # only Bandar Lampung's
    assert _sweep(clock) == []  # a second sweep records nothing
    assert _count(TicketEvent, TicketEvent.kind == "escalated") == 2

    # Bandar Lampung forwards at T0 + 26 h; the agency then has 72 h.
    with transaction() as session:
        ticket = session.get(Ticket, world["bdl"])
        operator = session.get(StaffUser, world["operator"])
        assert ticket is not None and operator is not None
        perform(session=session, ticket=ticket, action="forward", actor=operator,
                request=Request(agency="dlh"), now=T0 + timedelta(hours=26))  # fmt: skip

    clock.advance(timedelta(hours=24))  # T0 + 49 h: Metro is still not forwarded, a day late
    assert [(kind, level) for _, kind, level in _sweep(clock)] == [("forward", 2)]

    clock.advance(timedelta(hours=50))  # T0 + 99 h: DLH missed T0 + 98 h
    assert [(kind, level) for _, kind, level in _sweep(clock)] == [("act", 1)]
    assert _staff_messages(9002) == ["utter_eskalasi_tindak"]
    assert _count(Escalation) == 4  # forward x2, forward level 2 (Metro), act (BDL)


def test_leaders_get_one_digest_per_day(world: dict[str, int]) -> None:
    clock = FixedClock(T0 + timedelta(hours=50))
    _sweep(clock)  # level 1 and level 2 at once for both
    day = (clock() + timedelta(hours=7)).date()
    with transaction() as session:
        assert daily_digest(session=session, day=day) == 1
        assert daily_digest(session=session, day=day) == 0
    with transaction() as session:
        [digest] = session.scalars(
            select(Notification).where(Notification.user_key == "9003")
        ).all()
        assert digest.variables["terlambat_teruskan"] == 2
        assert "Kota Bandar Lampung (1)" in digest.variables["terbanyak"]


def test_report_counts_breaches_per_region_and_agency(world: dict[str, int]) -> None:
    clock = FixedClock(T0 + timedelta(hours=25))
    _sweep(clock)
    with transaction() as session:
        data = report(session=session, start=T0, end=T0 + timedelta(days=7))
    assert data["tickets_filed"] == 2
    assert data["forward_breaches"] == 2 and data["act_breaches"] == 0
    assert data["by_region_operators"] == {"bandar_lampung": 1, "metro": 1}
    assert data["operators"] == {"bandar_lampung": ["coordinator", "operator"], "metro": []}


def test_cli_sweep_and_report(world: dict[str, int], capsys: pytest.CaptureFixture[str]) -> None:
    # Naive times are WIB: T0 + 25 h is Tuesday 09.00 WIB.
    assert main(["sla", "sweep", "--now", "2026-11-03T09:00", "--json"]) == 0
    swept = json.loads(capsys.readouterr().out)
    assert len(swept["recorded"]) == 2 and swept["notified"] == 1
    assert main(["sla", "report", "--from", "2026-11-01", "--to", "2026-11-08", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["forward_breaches"] == 2
    assert main(["sla", "report", "--from", "2026-11-08", "--to", "2026-11-01"]) == 1


def test_server_round_uses_the_clock(world: dict[str, int]) -> None:
    assert workers.sweep_once(FixedClock(T0 + timedelta(hours=1))) == 0
    assert workers.sweep_once(FixedClock(T0 + timedelta(hours=30))) == 2
    assert workers.sweep_once(FixedClock(T0 + timedelta(hours=30))) == 0
