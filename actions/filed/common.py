"""What the actions on filed tickets share (status, rating, reopening, adding to
and withdrawing a ticket): the sender's citizen id, the ticket number a message
names, typed ratings, and ticket choice buttons."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from actions.common import split_sender
from knowledge.categories import get_category
from tickets.models import Ticket
from tickets.service import find_citizen
from tickets.statuses import status_label

RATING_WORDS_FILE = Path(__file__).with_name("rating_words.yml")
# At most this many tickets are offered as buttons.
MAX_CHOICES = 5
_DIGIT = re.compile(r"(?<![\d.,])([1-5])(?![\d.,]\d|\d)")
_NOISE = re.compile(r"[\s!?.,:;/\-]+")


@cache
def _rating_words() -> tuple[dict[str, int], tuple[str, ...]]:
    data = yaml.safe_load(RATING_WORDS_FILE.read_text(encoding="utf-8"))
    numbers = {str(k).casefold(): int(v) for k, v in (data.get("numbers") or {}).items()}
    return numbers, tuple(str(s) for s in data.get("stars") or ())


def citizen_id(tracker: Tracker, session: Session) -> int | None:
    channel, user_key = split_sender(tracker)
    citizen = find_citizen(session=session, channel=channel, user_key=user_key)
    return citizen.id if citizen else None


def asked_number(tracker: Tracker) -> str | None:
    """The ticket a message names: a button's "nomor", or a typed number."""
    for entity in ("nomor", "ticket_number"):
        value = next(tracker.get_latest_entity_values(entity), None)
        if value:
            return str(value)
    return None


def _without_ticket_numbers(tracker: Tracker, text: str) -> str:
    spans = [
        (int(e["start"]), int(e["end"]))
        for e in tracker.latest_message.get("entities") or []
        if e.get("entity") == "ticket_number" and "start" in e and "end" in e
    ]
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    return text


def _stars(text: str) -> int:
    _, stars = _rating_words()
    return sum(text.count(star) for star in stars)


def typed_rating(tracker: Tracker) -> int | None:
    """1-5 from "5", "nilai 4", "bintang lima", "⭐⭐⭐⭐" (ticket numbers ignored)."""
    text = _without_ticket_numbers(tracker, str(tracker.latest_message.get("text") or ""))
    stars = _stars(text)
    if 1 <= stars <= 5:
        return stars
    found = _DIGIT.search(text)
    if found:
        return int(found.group(1))
    numbers, _ = _rating_words()
    for word in re.findall(r"[^\W\d_]+", text.casefold()):
        if word in numbers:
            return numbers[word]
    return None


def is_bare_rating(tracker: Tracker) -> bool:
    """Only a rating, no words around it ("5", "⭐⭐⭐⭐"): it means a rating only
    where one is awaited."""
    text = str(tracker.latest_message.get("text") or "")
    if not text.strip():
        return False
    _, stars = _rating_words()
    rest = _NOISE.sub("", text)
    for star in stars:
        rest = rest.replace(star, "").replace("\ufe0f", "")
    numbers, _ = _rating_words()
    return rest in {"1", "2", "3", "4", "5", ""} or rest.casefold() in numbers


def category_label(ticket: Ticket) -> str:
    category = get_category(ticket.category)
    return category.label if category else ticket.category


def ticket_choices(tickets: list[Ticket], intent: str) -> tuple[str, list[dict[str, Any]]]:
    """The tickets to choose from as lines ("• LPG-... · Sampah · status") and
    buttons titled with the number alone (it fits every channel's button)."""
    shown = tickets[:MAX_CHOICES]
    lines = "\n".join(
        f"• {t.number} · {category_label(t)} · {status_label(t.status)}" for t in shown
    )
    buttons = [{"title": t.number, "payload": f'/{intent}{{"nomor": "{t.number}"}}'}
               for t in shown]  # fmt: skip
    return lines, buttons
