"""Staff buttons as the channels see them: (channel, user key, data) -> a reply."""

from __future__ import annotations

from bot.staff_actions import handle_button, is_staff_button
from dialogue.delivery import ButtonReply


def staff_button(channel: str, user_key: str, data: str) -> ButtonReply | None:
    """None when `data` is no staff button (it is then a conversation button)."""
    if not is_staff_button(data):
        return None
    reply = handle_button(telegram_user_id=int(user_key), data=data)
    return ButtonReply(reply.ok, reply.text)
