"""Staff buttons are checked, not trusted: the exact button must have been offered
for that ticket in that chat, and the presser must be in scope (issue 13)."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.staff_buttons import handle_button
from core.db import transaction
from tests import factories
from tickets.models import TicketEvent
from tickets.notifications import Extras, enqueue
from tickets.service import get_ticket_by_number
from tickets.staff_alerts import button_payload

CHAT = "chatapp"
OPERATORS, DLH, PUPR = "-2001", "-2002", "-2003"
RINA, DEDI, PUTRI, MEGA = "601", "602", "603", "604"  # operator, DLH, PUPR, Metro operator
NOT_OFFERED = "tidak berlaku"


def _setup() -> None:
    with transaction() as session:
        factories.staff_chat(session=session, channel=CHAT, chat_key=OPERATORS,
                             region="bandar_lampung")  # fmt: skip
        factories.staff_chat(session=session, channel=CHAT, chat_key=DLH,
                             region="bandar_lampung", agency="dlh")  # fmt: skip
        factories.staff_chat(session=session, channel=CHAT, chat_key=PUPR, agency="dinas_pupr")
        factories.staff(session=session, name="Rina", role="operator", region="bandar_lampung",
                        contacts=[(CHAT, RINA)])  # fmt: skip
        factories.staff(session=session, name="Dedi", role="agency", agency="dlh",
                        region="bandar_lampung", contacts=[(CHAT, DEDI)])  # fmt: skip
        factories.staff(session=session, name="Putri", role="agency", agency="dinas_pupr",
                        contacts=[(CHAT, PUTRI)])  # fmt: skip
        factories.staff(session=session, name="Mega", role="operator", region="metro",
                        contacts=[(CHAT, MEGA)])  # fmt: skip


def _ticket(category: str) -> str:
    with transaction() as session:
        return factories.ticket(session=session, category=category).number


def _state(number: str) -> tuple[str, str | None, int]:
    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=number)
        assert ticket is not None
        events = session.scalar(
            select(func.count()).select_from(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
        )
        return ticket.status, ticket.agency_code, int(events or 0)


def _press(user: str, data: str, chat: str | None, channel: str = CHAT) -> tuple[bool, str]:
    reply = handle_button(channel=channel, user_key=user, data=data, chat_key=chat)
    return reply.ok, reply.text


def test_a_forged_forward_to_an_agency_not_offered_changes_nothing(db: str) -> None:
    _setup()
    number = _ticket("sampah")  # offered: forward to dlh, reject
    before = _state(number)
    for agency in ("dinas_kesehatan", "dinas_pupr", "DLH", ""):
        ok, text = _press(RINA, f"op:forward:{number}:{agency}", OPERATORS)
        assert not ok and NOT_OFFERED in text and number in text, agency
    ok, text = _press(RINA, f"op:resolve:{number}", OPERATORS)  # an action never offered here
    assert not ok and NOT_OFFERED in text
    assert _state(number) == before
    # What was offered still works.
    assert _press(RINA, button_payload("forward", number, "dlh"), OPERATORS)[0]
    assert _state(number)[:2] == ("forwarded", "dlh")


def test_a_button_of_one_ticket_does_not_work_for_another(db: str) -> None:
    _setup()
    road = _ticket("jalan_rusak")  # offered: dinas_pupr, bpjn_lampung, dinas_bmbk
    rubbish = _ticket("sampah")
    ok, text = _press(RINA, button_payload("forward", rubbish, "dinas_pupr"), OPERATORS)
    assert not ok and NOT_OFFERED in text
    assert _state(rubbish)[:2] == ("new", None)
    assert _state(road)[:2] == ("new", None)


def test_a_press_from_a_chat_that_was_never_sent_the_alert_is_refused(db: str) -> None:
    _setup()
    number = _ticket("sampah")
    data = button_payload("forward", number, "dlh")
    before = _state(number)
    assert not _press(RINA, data, None)[0]  # her private chat: never sent the alert
    assert not _press(RINA, data, DLH)[0]  # the agency's chat got no operator alert
    assert not _press(RINA, data, OPERATORS, channel="otherapp")[0]  # same key, other channel
    assert _state(number) == before


def test_a_button_sent_to_a_private_chat_works_there(db: str) -> None:
    _setup()
    number = _ticket("sampah")
    data = button_payload("reject", number)
    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=number)
        assert ticket is not None
        enqueue(session=session, channel=CHAT, user_key=RINA, response="utter_operator_tiket_baru",
                variables={}, dedupe_key="private-alert", ticket_id=ticket.id,
                extras=Extras(buttons=[{"title": "Tolak", "payload": data}]))  # fmt: skip
    ok, text = _press(RINA, data, None)
    assert ok and "Rina" in text
    assert _state(number)[0] == "rejected"


def test_an_offered_button_still_needs_the_presser_in_scope(db: str) -> None:
    _setup()
    number = _ticket("sampah")
    data = button_payload("forward", number, "dlh")
    # An operator of another region in this region's chat: the workflow's scope check.
    ok, text = _press(MEGA, data, OPERATORS)
    assert not ok and "bukan wewenang" in text and "metro" in text
    assert _state(number)[:2] == ("new", None)
    assert _press(RINA, data, OPERATORS)[0]
    # Another agency's staff member in the DLH chat, where "accept" was offered.
    accept = button_payload("accept", number)
    ok, text = _press(PUTRI, accept, DLH)
    assert not ok and "bukan wewenang" in text
    assert _state(number)[0] == "forwarded"
    assert _press(DEDI, accept, DLH)[0]
    assert _state(number)[0] == "in_progress"
