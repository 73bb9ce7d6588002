"""Staff buttons as the channels see them: (channel, user key, data, chat key) -> a
reply, each press in a transaction of its own. The chat key is the chat the button
was pressed in (a group's id); None for a private chat with the bot."""

from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError

from core.db import transaction
from dialogue.delivery import ButtonReply
from tickets.staff_buttons import StaffReply, is_staff_button, press, refusal_reply
from tickets.workflow import WorkflowError


def handle_button(
    *, channel: str, user_key: str, data: str, chat_key: str | None = None
) -> StaffReply:
    try:
        with transaction() as session:
            return press(
                session=session, channel=channel, user_key=user_key, data=data, chat_key=chat_key
            )
    except (WorkflowError, StaleDataError) as error:  # rolled back: nothing half done
        return refusal_reply(error, data)


def staff_button(
    channel: str, user_key: str, data: str, chat_key: str | None = None
) -> ButtonReply | None:
    """None when `data` is no staff button (it is then a conversation button)."""
    if not is_staff_button(data):
        return None
    reply = handle_button(channel=channel, user_key=user_key, data=data, chat_key=chat_key)
    return ButtonReply(reply.ok, reply.text)
