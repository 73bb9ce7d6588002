"""Small helpers shared by the actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.types import DomainDict

from core.timestamps import format_wib
from tickets.service import find_citizen, get_ticket_by_number

FORM_SLOTS = ("kategori", "deskripsi", "lokasi", "cek_serupa", "foto", "konfirmasi")


def split_sender(tracker: Tracker) -> tuple[str, str]:
    """The engine's sender id is '<channel>:<user key>'."""
    channel, _, user_key = tracker.sender_id.partition(":")
    return (channel, user_key) if user_key else ("unknown", channel)


def sender_phone(tracker: Tracker) -> str | None:
    """The number the channel knows the sender by, when its user key is one."""
    phone = (tracker.latest_message.get("metadata") or {}).get("sender_phone")
    return str(phone) if phone else None


def intent_name(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def reset_form_events() -> list[dict[str, Any]]:
    extra = (
        "requested_slot", "teks_tertunda", "tiket_serupa", "foto_tertunda", "tanya_batal",
        "lokasi_ketik",
    )  # fmt: skip
    return [SlotSet(slot, None) for slot in (*FORM_SLOTS, *extra)]


def previous_action(tracker: Tracker) -> str | None:
    """The last action the bot ran before the latest user message."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif seen_user and event.get("event") == "action":
            return str(event.get("name"))
    return None


def format_time(value: datetime) -> str:
    return format_wib(value)


def ticket_and_citizen(
    tracker: Tracker, session: Any, number: str | None = None
) -> tuple[Any, int | None]:
    """The ticket (`number`, default the message's "nomor" entity) and the sender's
    citizen id; either may be None."""
    channel, user_key = split_sender(tracker)
    citizen = find_citizen(session=session, channel=channel, user_key=user_key)
    number = number or next(tracker.get_latest_entity_values("nomor"), None)
    ticket = get_ticket_by_number(session=session, number=str(number)) if number else None
    return ticket, citizen.id if citizen else None


# A photo's message text before its caption (dialogue/interpreter.py).
PHOTO_TEXT = "/kirim_foto"


def photo_caption(tracker: Tracker) -> str:
    """The caption the citizen wrote under the latest photo ("" for none)."""
    return str(tracker.latest_message.get("text") or "").removeprefix(PHOTO_TEXT).strip()


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def response_text(domain: DomainDict, response: str, **values: Any) -> str:
    """The first text of a domain response with `{name}`s filled (unknown ones empty)."""
    variations = (domain.get("responses") or {}).get(response) or [{}]
    return str(variations[0].get("text") or "").format_map(_Blank(values))


def response_buttons(domain: DomainDict, response: str, **values: Any) -> list[dict[str, str]]:
    """The buttons a domain response defines, payload braces undoubled and filled."""
    variations = (domain.get("responses") or {}).get(response) or [{}]
    return [
        {"title": str(b["title"]), "payload": str(b["payload"]).format_map(_Blank(values))}
        for b in variations[0].get("buttons") or []
    ]
