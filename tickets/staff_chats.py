"""Staff group chats (where new tickets and forwarded ones are announced): adding
and removing them, for the command line and the workspace's admin page."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.agencies import get_agency
from knowledge.regions import get_region
from tickets.models import StaffChat


class ChatError(Exception):
    """`code`: unknown_region, unknown_agency, scope_required, exists, empty."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


def all_chats(*, session: Session) -> list[StaffChat]:
    return list(session.scalars(select(StaffChat).order_by(StaffChat.id)))


def add_chat(
    *, session: Session, channel: str, chat_key: str, region: str | None, agency: str | None
) -> StaffChat:
    key = chat_key.strip()
    if not key:
        raise ChatError("empty")
    if region and get_region(region) is None:
        raise ChatError("unknown_region")
    if agency and get_agency(agency) is None:
        raise ChatError("unknown_agency")
    if not region and not agency:
        raise ChatError("scope_required")
    if session.scalar(
        select(StaffChat.id).where(StaffChat.channel == channel, StaffChat.chat_key == key)
    ):
        raise ChatError("exists")
    chat = StaffChat(
        channel=channel, chat_key=key, region_code=region or None, agency_code=agency or None
    )
    session.add(chat)
    session.flush()
    return chat


def remove_chat(*, session: Session, chat_id: int) -> bool:
    chat = session.get(StaffChat, chat_id)
    if chat is None:
        return False
    session.delete(chat)
    session.flush()
    return True
