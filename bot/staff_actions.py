"""Shim until the Telegram adapter calls tickets.staff_buttons with its channel name."""

from tickets.staff_buttons import StaffReply, is_staff_button
from tickets.staff_buttons import handle_button as _handle

__all__ = ["StaffReply", "handle_button", "is_staff_button"]


def handle_button(*, telegram_user_id: int, data: str) -> StaffReply:
    return _handle(channel="telegram", user_key=str(telegram_user_id), data=data)
