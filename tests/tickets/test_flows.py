"""The domain's closed sets, and the split between ticket records and what follows."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.db import transaction
from tests import factories
from tickets import workflow
from tickets.enums import StaffRole, TicketStatus
from tickets.flows import FOLLOW_UPS, STATUS_NOTIFICATION, move_ticket
from tickets.models import Notification, Ticket
from tickets.service import change_status
from tickets.staff_alerts import OPERATOR_RESPONSE
from tickets.statuses import all_statuses


def test_status_enum_is_statuses_yml() -> None:
    assert [s.value for s in TicketStatus] == list(all_statuses())


def test_workflow_yml_uses_known_roles_statuses_and_names() -> None:
    for action in workflow.actions().values():
        assert all(isinstance(r, StaffRole) for r in action.roles)
        assert action.apply is None or action.apply in workflow.EFFECTS
        assert set(action.then) <= set(FOLLOW_UPS)
    assert workflow.actions()["forward"].then == ("alert_agency",)


def test_a_name_nothing_registers_is_refused() -> None:
    spec = {"roles": ["operator"], "from": ["new"], "to": "closed", "apply": "teleport"}
    with pytest.raises(ValueError, match="teleport"):
        workflow._load("x", spec)
    with pytest.raises(ValueError, match="fax_the_mayor"):
        workflow._load("x", {**spec, "apply": None, "then": ["fax_the_mayor"]})
    with pytest.raises(ValueError):
        workflow._load("x", {**spec, "apply": None, "to": "lost"})


def _citizen_ticket(*, flow: bool) -> int:
    with transaction() as session:
        factories.staff_chat(session=session, channel="chatapp", chat_key="ops",
                             region="bandar_lampung")  # fmt: skip
        citizen = factories.citizen(session=session, channel="console", user_key="andi")
        # flow: tickets.flows.file_ticket; else the bare tickets.service.create_ticket.
        return factories.ticket(session=session, citizen=citizen, alert=flow).id


def _responses() -> list[str]:
    with transaction() as session:
        return list(session.scalars(select(Notification.response).order_by(Notification.id)))


def test_service_records_without_messages(db: str) -> None:
    ticket_id = _citizen_ticket(flow=False)
    with transaction() as session:
        ticket = session.get_one(Ticket, ticket_id)
        event = change_status(session=session, ticket=ticket, to_status="forwarded",
                              actor="operator:1", note="ke DLH")  # fmt: skip
        assert (event.from_status, event.to_status) == ("new", "forwarded")
        assert session.scalar(select(func.count(Notification.id))) == 0
    assert _responses() == []


def test_flows_alert_operators_and_notify_the_citizen(db: str) -> None:
    ticket_id = _citizen_ticket(flow=True)
    assert _responses() == [OPERATOR_RESPONSE]
    with transaction() as session:
        ticket = session.get_one(Ticket, ticket_id)
        move_ticket(session=session, ticket=ticket, to_status="forwarded", actor="operator:1",
                    note="ke DLH")  # fmt: skip
    assert _responses() == [OPERATOR_RESPONSE, STATUS_NOTIFICATION]
    with transaction() as session:
        notice = session.scalars(
            select(Notification).where(Notification.response == STATUS_NOTIFICATION)
        ).one()
        assert (notice.channel, notice.user_key) == ("console", "andi")
        assert notice.variables["catatan"] == "ke DLH"
        assert notice.variables["status_label"] == "Diteruskan ke instansi terkait"
