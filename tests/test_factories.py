"""The test factories make what the services make."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.staff_buttons import handle_button
from core.db import transaction
from tests import factories
from tickets.enums import StaffRole, TicketStatus
from tickets.models import Contact, Notification, StaffUser, Ticket
from tickets.service import find_citizen, get_ticket_by_number
from tickets.staff_alerts import OPERATOR_RESPONSE, button_payload
from tickets.workflow import actions


def test_citizens_get_unique_user_keys_unless_given_one(db: str) -> None:
    with transaction() as session:
        first, second = factories.citizen(session=session), factories.citizen(session=session)
        assert first.id != second.id
        keys = [c.user_key for c in (*first.contacts, *second.contacts)]
        assert len(set(keys)) == 2
        named = factories.citizen(session=session, channel="whatsapp", user_key="628123",
                                  phone="+628123", name="Budi")  # fmt: skip
        again = factories.citizen(session=session, channel="whatsapp", user_key="628123")
        assert again.id == named.id and again.display_name == "Budi"
        found = find_citizen(session=session, channel="whatsapp", user_key="628123")
        assert found is not None and found.id == named.id
        contact = session.scalars(select(Contact).where(Contact.user_key == "628123")).one()
        assert contact.phone == "+628123"


def test_a_staff_members_contact_is_found_by_the_buttons(db: str) -> None:
    with transaction() as session:
        factories.staff(session=session, role="operator", region="bandar_lampung",
                        name="Rina", contacts=[("chatapp", "501")])  # fmt: skip
        default = factories.staff(session=session, role="admin")
        [(channel, key)] = [(c.channel, c.user_key) for c in default.contacts]
        # The buttons pressed must have been offered in the chat they are pressed in.
        for chat_channel in ("chatapp", "telegram"):
            factories.staff_chat(session=session, channel=chat_channel, chat_key="-77",
                                 region="bandar_lampung")  # fmt: skip
        first = factories.ticket(session=session).number
        second = factories.ticket(session=session).number
    reply = handle_button(channel="chatapp", user_key="501", chat_key="-77",
                          data=button_payload("forward", first, "dlh"))  # fmt: skip
    assert reply.ok and "Rina" in reply.text
    assert channel == "telegram"
    assert handle_button(channel=channel, user_key=key, chat_key="-77",
                         data=button_payload("reject", second)).ok  # fmt: skip
    with transaction() as session:
        assert session.scalars(select(StaffUser.name).order_by(StaffUser.id)).all() == [
            "Rina", "admin",
        ]  # fmt: skip


@pytest.mark.parametrize("status", list(TicketStatus))
def test_a_status_is_reached_through_the_workflow(db: str, status: TicketStatus) -> None:
    with transaction() as session:
        target = factories.ticket(session=session) if status == TicketStatus.CLOSED else None
        number = factories.ticket(session=session, status=status, merged_into=target).number
    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=number)
        assert ticket is not None and ticket.status == status
        if status == factories.WITHDRAWN_BY_REPORTER:  # the reporter's own step
            assert [(e.kind, e.actor) for e in ticket.events][1:] == [
                ("withdrawn", f"citizen:{ticket.citizen_id}")
            ]
            return
        path = factories.PATHS[status]
        assert [e.kind for e in ticket.events] == ["created", *path]
        assert [e.to_status for e in ticket.events[1:]] == [actions()[a].to for a in path]
        assert all(e.actor.startswith("admin:") for e in ticket.events[1:])
        if "forward" in path:
            assert ticket.agency_code == ticket.suggested_agency_code == "dlh"
        assert (ticket.resolved_at is not None) == (status == TicketStatus.RESOLVED)
        # The citizen was told of each step the workflow notifies.
        notified = session.scalars(
            select(Notification.response)
            .where(Notification.ticket_id == ticket.id)
            .order_by(Notification.id)
        ).all()
        assert notified == [actions()[a].notify for a in path if actions()[a].notify]


def test_alert_chooses_the_flow_or_the_bare_service(db: str) -> None:
    with transaction() as session:
        chat = factories.staff_chat(session=session, region="bandar_lampung")
        alerted = factories.ticket(session=session)
        quiet = factories.ticket(session=session, alert=False)
        rows = session.scalars(select(Notification)).all()
        assert [(n.response, n.user_key, n.ticket_id) for n in rows] == [
            (OPERATOR_RESPONSE, chat.chat_key, alerted.id)
        ]
        assert session.get(Ticket, quiet.id) is not None


def test_the_factories_refuse_what_the_cli_refuses(db: str) -> None:
    with transaction() as session:
        with pytest.raises(ValueError, match="agency"):
            factories.staff(session=session, role=StaffRole.AGENCY)
        with pytest.raises(ValueError, match="atlantis"):
            factories.staff(session=session, region="atlantis")
        with pytest.raises(ValueError):
            factories.staff(session=session, role="janitor")
        with pytest.raises(ValueError, match="region or an agency"):
            factories.staff_chat(session=session)
        with pytest.raises(ValueError, match="merged_into"):
            factories.ticket(session=session, status="closed")
        with pytest.raises(ValueError, match="agency="):
            factories.ticket(session=session, category="pelayanan_publik", status="forwarded")
