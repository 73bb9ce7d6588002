"""Staff chats: new work is queued with buttons; presses become workflow actions."""

from __future__ import annotations

from sqlalchemy import select

from bot.staff_actions import handle_button, is_staff_button
from core.db import transaction
from tickets.models import Notification, StaffChat, StaffUser, Ticket
from tickets.service import create_ticket, get_or_create_citizen, get_ticket_by_number
from tickets.staff_alerts import AGENCY_RESPONSE, EXTRAS, OPERATOR_RESPONSE, button_payload

OPERATOR_CHAT, DLH_CHAT, METRO_CHAT = -1001, -1002, -1003


def _setup() -> None:
    with transaction() as session:
        session.add_all([
            StaffChat(chat_id=OPERATOR_CHAT, region_code="bandar_lampung"),
            StaffChat(chat_id=DLH_CHAT, region_code="bandar_lampung", agency_code="dlh"),
            StaffChat(chat_id=METRO_CHAT, region_code="metro"),
            StaffUser(name="Rina (operator)", role="operator", region_code="bandar_lampung",
                      telegram_user_id=501),
            StaffUser(name="Dedi (DLH)", role="agency", region_code="bandar_lampung",
                      agency_code="dlh", telegram_user_id=502),
        ])  # fmt: skip


def _ticket(category: str = "sampah") -> str:
    with transaction() as session:
        citizen = get_or_create_citizen(session=session, channel="telegram", user_key="42")
        return create_ticket(session=session, citizen=citizen, category=category,
                             description="sampah menumpuk", latitude=-5.43, longitude=105.26,
                             region_code="bandar_lampung").number  # fmt: skip


def _for_chat(chat_id: int) -> list[Notification]:
    with transaction() as session:
        rows = session.scalars(
            select(Notification).where(Notification.user_key == str(chat_id))
        ).all()
        session.expunge_all()
        return list(rows)


def test_new_ticket_goes_to_its_region_operator_chat_with_buttons(db: str) -> None:
    _setup()
    number = _ticket("jalan_rusak")
    [alert] = _for_chat(OPERATOR_CHAT)
    assert alert.response == OPERATOR_RESPONSE
    buttons = alert.variables[EXTRAS]["buttons"]
    assert [b["payload"] for b in buttons] == [
        button_payload("forward", number, "dinas_pupr"),
        button_payload("forward", number, "bpjn_lampung"),
        button_payload("forward", number, "dinas_bmbk"),
        button_payload("reject", number),
    ]
    assert buttons[0]["title"] == "Teruskan ke Dinas Pekerjaan Umum dan Penataan Ruang (PUPR)"
    assert all(len(b["payload"].encode()) <= 64 for b in buttons)
    assert alert.variables[EXTRAS]["venue"]["title"] == number
    assert _for_chat(METRO_CHAT) == [] and _for_chat(DLH_CHAT) == []


def test_operator_forwards_by_button_then_agency_resolves(db: str) -> None:
    _setup()
    number = _ticket()
    assert is_staff_button(button_payload("forward", number, "dlh"))
    reply = handle_button(telegram_user_id=501, data=button_payload("forward", number, "dlh"))
    assert (
        reply.ok
        and reply.text == f"{number}: Diteruskan ke instansi terkait (oleh Rina (operator))."
    )
    [alert] = _for_chat(DLH_CHAT)
    assert alert.response == AGENCY_RESPONSE
    # Pressed twice: refused with the reason, nothing changes.
    again = handle_button(telegram_user_id=501, data=button_payload("forward", number, "dlh"))
    assert not again.ok and "tidak bisa dilakukan" in again.text

    assert handle_button(telegram_user_id=502, data=button_payload("accept", number)).ok
    assert handle_button(telegram_user_id=502, data=button_payload("resolve", number)).ok
    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=number)
        assert ticket is not None and ticket.status == "resolved"
        assert ticket.events[-1].note == "Ditandai selesai oleh petugas."


def test_strangers_and_wrong_roles_are_refused(db: str) -> None:
    _setup()
    number = _ticket()
    stranger = handle_button(telegram_user_id=999, data=button_payload("forward", number, "dlh"))
    assert not stranger.ok and "belum terdaftar" in stranger.text
    wrong_role = handle_button(telegram_user_id=502, data=button_payload("forward", number, "dlh"))
    assert not wrong_role.ok and "tidak boleh" in wrong_role.text
    unknown = handle_button(telegram_user_id=501, data="op:forward:LPG-2026-999999:dlh")
    assert not unknown.ok and "tidak ditemukan" in unknown.text
    with transaction() as session:
        assert session.scalars(select(Ticket)).one().status == "new"
