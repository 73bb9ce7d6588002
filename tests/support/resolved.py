"""A report filed in a console chat, then forwarded to DLH and resolved by staff:
the start of every conversation about rating, reopening and the IKM survey."""

from __future__ import annotations

import re

from core.db import transaction
from tests import factories
from tests.support.chat import Chat
from tickets.service import get_ticket_by_number
from tickets.workflow import Request, perform

NUMBER = re.compile(r"LPG-\d{4}-\d{6}")


def file_and_resolve(
    chat: Chat, text: str = "sampah numpuk di pinggir jalan sudah seminggu tidak diangkut"
) -> str:
    chat.say(text)
    chat.say("/lokasi -5.3719 105.2393")
    chat.say("lewati")
    number = NUMBER.search(chat.say("ya"))
    assert number
    with transaction() as session:
        staff = factories.staff(session=session, role="admin", name="Admin")
        ticket = get_ticket_by_number(session=session, number=number.group())
        assert ticket is not None
        perform(session=session, ticket=ticket, action="forward", actor=staff,
                request=Request(agency="dlh"))  # fmt: skip
        perform(session=session, ticket=ticket, action="resolve", actor=staff,
                request=Request(note="Sudah diangkut"))  # fmt: skip
    return number.group()
