"""Staff buttons as the channels see them: (channel, user key, data) -> a reply, each
press in a transaction of its own."""

from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError

from core.db import transaction
from dialogue.delivery import ButtonReply
from tickets.staff_buttons import StaffReply, is_staff_button, press, refusal_reply
from tickets.workflow import WorkflowError


def handle_button(*, channel: str, user_key: str, data: str) -> StaffReply:
    try:
        with transaction() as session:
            return press(session=session, channel=channel, user_key=user_key, data=data)
    except (WorkflowError, StaleDataError) as error:  # rolled back: nothing half done
        return refusal_reply(error, data)


def staff_button(channel: str, user_key: str, data: str) -> ButtonReply | None:
    """None when `data` is no staff button (it is then a conversation button)."""
    if not is_staff_button(data):
        return None
    reply = handle_button(channel=channel, user_key=user_key, data=data)
    return ButtonReply(reply.ok, reply.text)
