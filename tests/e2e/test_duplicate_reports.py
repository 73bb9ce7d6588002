"""A second citizen reporting the same problem nearby is offered to support it."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from core.db import transaction
from tests import factories
from tests.support.chat import Chat
from tickets.duplicates import nearby_open_tickets
from tickets.models import Notification, Ticket, TicketSupporter
from tickets.service import get_ticket_by_number, list_tickets
from tickets.workflow import Request, perform

NUMBER = re.compile(r"LPG-\d{4}-\d{6}")
PIN = (-5.37190, 105.23930)
# About 40 m north-east, and about 300 m away.
NEAR = (-5.37165, 105.23960)
FAR = (-5.36920, 105.23930)
SAMPAH = "sampah numpuk di pinggir jalan sudah seminggu tidak diangkut"


def _file(chat: Chat, text: str, pin: tuple[float, float]) -> str:
    chat.say(text)
    reply = chat.say(f"/lokasi {pin[0]} {pin[1]}")
    if "laporan serupa" in reply:
        reply = chat.say("Buat laporan baru")
    chat.say("lewati")
    number = NUMBER.search(chat.say("ya"))
    assert number, "no ticket number"
    return number.group()


def _count(model: type) -> int:
    with transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_nearby_search_respects_category_radius_status_and_owner(chat: Chat) -> None:
    first = _file(chat, SAMPAH, PIN)
    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=first)
        assert ticket is not None

        def near(category: str, pin: tuple[float, float], exclude: int | None = None) -> list:
            return nearby_open_tickets(session=session, category=category, latitude=pin[0],
                                       longitude=pin[1], exclude_citizen_id=exclude)  # fmt: skip

        [(found, metres)] = near("sampah", NEAR)
        assert found.number == first and 20 < metres < 50  # radius 50 m for sampah
        assert near("sampah", FAR) == []
        assert near("jalan_rusak", NEAR) == []  # another category
        assert near("pungli", PIN) == []  # never offered (radius 0, confidential)
        assert near("sampah", NEAR, exclude=ticket.citizen_id) == []  # their own report
        ticket.status = "resolved"
        session.flush()
        assert near("sampah", NEAR) == []  # only open tickets


def test_support_instead_of_a_duplicate_then_both_are_notified(chat: Chat) -> None:
    first = _file(chat, SAMPAH, PIN)
    neighbour = Chat(chat.engine, user="tetangga")
    neighbour.say("sampah di jalan ini ga diangkut2 udah bau bgt")
    offer = neighbour.say(f"/lokasi {NEAR[0]} {NEAR[1]}")
    assert "Sudah ada laporan serupa" in offer and first in offer
    assert f"[1] Dukung {first}" in offer and "Buat laporan baru" in offer

    reply = neighbour.say("1")
    assert f"dukungan Anda untuk laporan {first} sudah kami catat" in reply
    assert "foto" not in reply.lower()  # the report is done: no photo question
    assert _count(Ticket) == 1 and _count(TicketSupporter) == 1

    # The form is over: the neighbour can start afresh.
    assert "tidak ada laporan yang menunggu" in neighbour.say("ya").lower()

    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=first)
        assert ticket is not None
        admin = factories.staff(session=session, role="admin", name="Admin")
        perform(session=session, ticket=ticket, action="forward", actor=admin,
                request=Request(agency="dlh"))  # fmt: skip
        notified = sorted(n.user_key for n in session.scalars(select(Notification)))
    assert notified == ["budi", "tetangga"]


def test_choosing_a_new_report_files_it(chat: Chat) -> None:
    first = _file(chat, SAMPAH, PIN)
    neighbour = Chat(chat.engine, user="tetangga")
    second = _file(neighbour, SAMPAH, NEAR)
    assert second != first
    with transaction() as session:
        assert len(list_tickets(session=session)) == 2
    assert _count(TicketSupporter) == 0
