"""escalation_due_at for tickets that existed before migration 0017, and for tickets
written past the ORM (tickets.escalation_backfill): the same rule, set-based."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import select, update

from core.db import get_engine, transaction
from core.migrate import alembic_config, downgrade
from tests import factories
from tickets.escalation_backfill import refresh_escalation_due
from tickets.models import Ticket
from tickets.reference import upgrade
from tickets.sweep import sweep
from tickets.workflow import Request, perform

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def _world(url: str) -> dict[str, int]:
    """Tickets in every state the backfill tells apart, swept at T0 + 50 h."""
    with transaction(url) as session:
        admin = factories.staff(session=session, role="admin", contacts=())
        made = {
            "not_due": factories.ticket(session=session, now=T0 + 30 * timedelta(hours=1)),
            "both_levels": factories.ticket(session=session, now=T0),
            "level_1_only": factories.ticket(session=session, now=T0 + 20 * timedelta(hours=1)),
            "forwarded": factories.ticket(session=session, now=T0, alert=False),
            "resolved": factories.ticket(session=session, now=T0, alert=False),
        }
        for name in ("forwarded", "resolved"):
            perform(session=session, ticket=made[name], action="forward", actor=admin,
                    request=Request(agency="dlh"), now=T0 + DAY)  # fmt: skip
        for action in ("accept", "resolve"):
            perform(session=session, ticket=made["resolved"], action=action, actor=admin,
                    request=Request(note="beres"), now=T0 + DAY)  # fmt: skip
        ids = {name: ticket.id for name, ticket in made.items()}
    with transaction(url) as session:  # both levels of one, level 1 of another
        assert len(sweep(session=session, now=T0 + 50 * timedelta(hours=1)).recorded) == 3
    return ids


def _act_due(url: str, ticket_id: int) -> datetime | None:
    with transaction(url) as session:
        return session.scalar(select(Ticket.act_due_at).where(Ticket.id == ticket_id))


def _due(url: str) -> dict[int, datetime | None]:
    with transaction(url) as session:
        rows = session.execute(select(Ticket.id, Ticket.escalation_due_at))
        return {ticket_id: due for ticket_id, due in rows}


def test_the_backfill_schedules_what_is_left_to_escalate(db: str, blank_db_url: str) -> None:
    upgrade(blank_db_url)
    ids = _world(blank_db_url)
    swept = _due(blank_db_url)
    expected = {
        ids["not_due"]: T0 + 54 * timedelta(hours=1),  # its level 1
        ids["both_levels"]: None,
        ids["level_1_only"]: T0 + 44 * timedelta(hours=1),  # level 1 again: the sweep moves on
        ids["forwarded"]: _act_due(blank_db_url, ids["forwarded"]),
        ids["resolved"]: None,
    }
    assert swept[ids["level_1_only"]] == T0 + 68 * timedelta(hours=1)  # as the sweep left it

    get_engine(blank_db_url).dispose()
    downgrade(blank_db_url, "0016")
    command.upgrade(alembic_config(blank_db_url), "0017")
    assert _due(blank_db_url) == expected

    # The first sweep after the upgrade records nothing again and moves the rest on.
    with transaction(blank_db_url) as session:
        assert sweep(session=session, now=T0 + 50 * timedelta(hours=1)).recorded == []
    assert _due(blank_db_url) == swept

    # Rows written past the ORM: the same rule from tickets.escalation_backfill.
    with transaction(blank_db_url) as session:
        session.execute(update(Ticket).values(escalation_due_at=None))
    with transaction(blank_db_url) as session:
        refresh_escalation_due(session=session)
    assert _due(blank_db_url) == expected
    with transaction(blank_db_url) as session:
        refresh_escalation_due(session=session, ticket_ids=[ids["forwarded"]])
        session.execute(update(Ticket).where(Ticket.id == ids["forwarded"])
                        .values(escalation_due_at=None))  # fmt: skip
        refresh_escalation_due(session=session, ticket_ids=[ids["not_due"]])
    assert _due(blank_db_url)[ids["forwarded"]] is None  # only the ones named
    get_engine(blank_db_url).dispose()
