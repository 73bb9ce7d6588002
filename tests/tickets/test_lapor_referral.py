"""Referring a report to SP4N-LAPOR! (the workflow action refer_lapor): the tracking
number is recorded, the citizen is told where to follow it, the ticket counts as
forwarded for the SLA (no agency deadline here), and `lapor export` writes the CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.cli import main
from core.db import transaction
from core.timestamps import utcnow
from tests import factories
from tickets.models import Notification, Ticket
from tickets.sweep import sweep
from tickets.workflow import Request, WorkflowError, perform


def _refer(number: str, tracking: str, *, hours_later: float = 2) -> Ticket:
    with transaction() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        operator = factories.staff(session=session, region=ticket.region_code)
        perform(
            session=session,
            ticket=ticket,
            action="refer_lapor",
            actor=operator,
            request=Request(lapor_id=tracking),
            now=ticket.created_at + timedelta(hours=hours_later),
        )
        session.expunge(ticket)
        return ticket


def test_a_referral_records_the_number_and_tells_the_citizen(db: str) -> None:
    with transaction() as session:
        number = factories.ticket(
            session=session,
            category="pelayanan_publik",
            region="metro",
            now=utcnow() - timedelta(hours=3),
        ).number
    ticket = _refer(number, "LPR-2612-0042")
    assert (ticket.status, ticket.lapor_tracking_id) == ("referred", "LPR-2612-0042")
    assert ticket.forwarded_at is not None and ticket.act_due_at is None
    with transaction() as session:
        told = session.scalars(
            select(Notification).where(Notification.response == "utter_notifikasi_dirujuk_lapor")
        ).one()
        assert told.variables["lapor_id"] == "LPR-2612-0042"
        assert told.variables["nomor"] == number
        # Forwarded in time and followed on LAPOR!: the sweep records no breach, even later.
        result = sweep(session=session, now=utcnow() + timedelta(days=10))
        assert all(recorded[0] != number for recorded in result.recorded)


@pytest.mark.parametrize("tracking", ["", "ab", "nomor dengan spasi", "x" * 40])
def test_a_malformed_tracking_number_is_refused(db: str, tracking: str) -> None:
    with transaction() as session:
        number = factories.ticket(session=session, region="metro").number
    with pytest.raises(WorkflowError):
        _refer(number, tracking)


def test_lapor_export_writes_the_referrals_of_the_period(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with transaction() as session:
        plain = factories.ticket(
            session=session,
            category="pelayanan_publik",
            region="metro",
            description="antri KTP 3 hari, hub 081298765432",
        ).number
        secret = factories.ticket(
            session=session, category="pungli", region="metro", description="oknum minta 100rb"
        ).number
        factories.ticket(session=session, region="metro")  # not referred
    _refer(plain, "LPR-1")
    _refer(secret, "LPR-2")
    today = utcnow().date().isoformat()
    assert main(["lapor", "export", "--from", today, "--to", today]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["nomor_laporin"] for r in rows] == [plain, secret]
    assert rows[0]["nomor_lapor"] == "LPR-1" and rows[0]["rahasia"] == "tidak"
    assert rows[0]["uraian"] == "antri KTP 3 hari, hub 0812******32"
    assert rows[1]["uraian"] == "" and rows[1]["lokasi_lat"] == "" and rows[1]["rahasia"] == "ya"
    assert rows[0]["dirujuk_pada"].endswith("+07:00")
