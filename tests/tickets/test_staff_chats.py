"""Staff chats: new work is queued with buttons; presses become workflow actions."""

from __future__ import annotations

from sqlalchemy import select

from bot.staff_buttons import handle_button as press
from bot.staff_buttons import staff_button
from core.db import transaction
from tests import factories
from tickets.models import Notification, StaffContact, StaffUser, Ticket
from tickets.service import get_ticket_by_number
from tickets.staff_alerts import AGENCY_RESPONSE, OPERATOR_RESPONSE, button_payload
from tickets.staff_buttons import StaffReply, is_staff_button

OPERATOR_CHAT, DLH_CHAT, METRO_CHAT = -1001, -1002, -1003
CHAT = "chatapp"  # any channel: the domain does not care which


def handle_button(*, telegram_user_id: int, data: str, chat: int | None = None) -> StaffReply:
    """A press by that user in group `chat` (None: in their private chat with the bot)."""
    chat_key = None if chat is None else str(chat)
    return press(channel=CHAT, user_key=str(telegram_user_id), data=data, chat_key=chat_key)


def _setup() -> None:
    with transaction() as session:
        for key, region, agency in ((OPERATOR_CHAT, "bandar_lampung", None),
                                    (DLH_CHAT, "bandar_lampung", "dlh"),
                                    (METRO_CHAT, "metro", None)):  # fmt: skip
            factories.staff_chat(session=session, channel=CHAT, chat_key=str(key),
                                 region=region, agency=agency)  # fmt: skip
        factories.staff(session=session, name="Rina (operator)", role="operator",
                        region="bandar_lampung", contacts=[(CHAT, "501")])  # fmt: skip
        factories.staff(session=session, name="Dedi (DLH)", role="agency", agency="dlh",
                        region="bandar_lampung", contacts=[(CHAT, "502")])  # fmt: skip


def _ticket(category: str = "sampah") -> str:
    with transaction() as session:
        return factories.ticket(session=session, category=category, region="bandar_lampung",
                                latitude=-5.43, longitude=105.26).number  # fmt: skip


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
    assert (alert.response, alert.channel) == (OPERATOR_RESPONSE, CHAT)
    # The text's variables hold text only; buttons, photo and pin have columns.
    assert not any(key.startswith("_") for key in alert.variables)
    assert alert.buttons is not None
    buttons = alert.buttons
    assert [b["payload"] for b in buttons] == [
        button_payload("forward", number, "dinas_pupr"),
        button_payload("forward", number, "bpjn_lampung"),
        button_payload("forward", number, "dinas_bmbk"),
        button_payload("reject", number),
    ]
    assert buttons[0]["title"] == "Teruskan ke Dinas Pekerjaan Umum dan Penataan Ruang (PUPR)"
    assert all(len(b["payload"].encode()) <= 64 for b in buttons)
    assert (alert.venue_title, alert.venue_address) == (number, "Kota Bandar Lampung")
    assert (alert.venue_latitude, alert.venue_longitude) == (-5.43, 105.26)
    assert alert.attachment_path is None  # no photo with this report
    assert _for_chat(METRO_CHAT) == [] and _for_chat(DLH_CHAT) == []


def test_operator_forwards_by_button_then_agency_resolves(db: str) -> None:
    _setup()
    number = _ticket()
    assert is_staff_button(button_payload("forward", number, "dlh"))
    reply = handle_button(
        telegram_user_id=501, chat=OPERATOR_CHAT, data=button_payload("forward", number, "dlh")
    )
    assert (
        reply.ok
        and reply.text == f"{number}: Diteruskan ke instansi terkait (oleh Rina (operator))."
    )
    [alert] = _for_chat(DLH_CHAT)
    assert alert.response == AGENCY_RESPONSE
    # Pressed twice: refused with the reason, nothing changes.
    again = handle_button(
        telegram_user_id=501, chat=OPERATOR_CHAT, data=button_payload("forward", number, "dlh")
    )
    assert not again.ok and "tidak bisa dilakukan" in again.text

    assert handle_button(telegram_user_id=502, chat=DLH_CHAT,
                         data=button_payload("accept", number)).ok  # fmt: skip
    assert handle_button(telegram_user_id=502, chat=DLH_CHAT,
                         data=button_payload("resolve", number)).ok  # fmt: skip
    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=number)
        assert ticket is not None and ticket.status == "resolved"
        assert ticket.events[-1].note == "Ditandai selesai oleh petugas."


def test_strangers_and_wrong_roles_are_refused(db: str) -> None:
    _setup()
    number = _ticket()
    stranger = handle_button(
        telegram_user_id=999, chat=OPERATOR_CHAT, data=button_payload("forward", number, "dlh")
    )
    assert not stranger.ok and "belum terdaftar" in stranger.text
    # DLH staff in the operators' chat: the button was offered there, the role is wrong.
    wrong_role = handle_button(
        telegram_user_id=502, chat=OPERATOR_CHAT, data=button_payload("forward", number, "dlh")
    )
    assert not wrong_role.ok and "tidak boleh" in wrong_role.text
    unknown = handle_button(
        telegram_user_id=501, chat=OPERATOR_CHAT, data="op:forward:LPG-2026-999999:dlh"
    )
    assert not unknown.ok and "tidak ditemukan" in unknown.text
    with transaction() as session:
        assert session.scalars(select(Ticket)).one().status == "new"


def test_each_chat_and_contact_gets_messages_on_its_own_channel(db: str) -> None:
    _setup()
    with transaction() as session:
        factories.staff_chat(session=session, channel="otherapp", chat_key="ops-room",
                             region="bandar_lampung")  # fmt: skip
    number = _ticket()
    with transaction() as session:
        alerts = session.scalars(
            select(Notification).where(Notification.response == OPERATOR_RESPONSE)
        ).all()
        assert sorted((n.channel, n.user_key) for n in alerts) == [
            (CHAT, str(OPERATOR_CHAT)),
            ("otherapp", "ops-room"),
        ]
    # A staff member is found by any of their contacts.
    with transaction() as session:
        rina = session.scalars(select(StaffUser).where(StaffUser.role == "operator")).one()
        rina.contacts.append(StaffContact(channel="otherapp", user_key="rina"))
    reply = press(channel="otherapp", user_key="rina", chat_key="ops-room",
                  data=button_payload("forward", number, "dlh"))  # fmt: skip
    assert reply.ok and "Rina" in reply.text
    # The same user key on another channel is somebody else.
    assert not press(channel="otherapp", user_key="501", chat_key="ops-room",
                     data=button_payload("reject", number)).ok  # fmt: skip


def test_the_channels_handler_answers_staff_buttons_and_passes_on_the_rest(db: str) -> None:
    with transaction() as session:
        factories.staff(session=session, name="Tono", role="operator", region="bandar_lampung",
                        contacts=[("telegram", "777")])  # fmt: skip
        factories.staff_chat(session=session, chat_key="-900", region="bandar_lampung")
    number = _ticket()
    assert staff_button("telegram", "777", "/affirm", None) is None  # a conversation button
    reply = staff_button("telegram", "777", button_payload("reject", number), "-900")
    assert reply is not None and reply.ok and "Tono" in reply.text
    stranger = staff_button("telegram", "778", button_payload("reject", number), "-900")
    assert stranger is not None and not stranger.ok


def test_a_flood_of_reports_from_one_citizen_is_one_note_for_the_operators(db: str) -> None:
    with transaction() as session:
        chat = factories.staff_chat(session=session, region="bandar_lampung")
        chat_key = chat.chat_key
        citizen = factories.citizen(session=session)
        for _ in range(6):
            factories.ticket(session=session, citizen=citizen)
    with transaction() as session:
        sent = [
            n.response
            for n in session.scalars(
                select(Notification)
                .where(Notification.user_key == chat_key)
                .order_by(Notification.id)
            )
        ]
    # Three alerts with buttons, then one note for the rest of the hour.
    assert sent == [OPERATOR_RESPONSE] * 3 + ["utter_operator_banyak_laporan"]
