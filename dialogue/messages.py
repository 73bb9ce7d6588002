"""Channel-agnostic message types: what adapters hand to the engine and get back."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Values of `Inbound.unsupported` the engine answers with a message of their own.
# A pin that is no place on earth (NaN, infinite, out of range): "koordinat tidak valid".
INVALID_LOCATION = "location_invalid"
# A file over the channel's download cap (never fetched): "terlalu besar".
MEDIA_TOO_LARGE = "media_too_large"


@dataclass(frozen=True)
class GeoPoint:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class InboundMedia:
    """A file the user sent, already saved locally by the adapter (or named by the console)."""

    path: str
    mime_type: str | None = None
    file_name: str | None = None


@dataclass(frozen=True)
class Inbound:
    channel: str
    user_key: str
    update_id: str
    text: str | None = None
    location: GeoPoint | None = None
    photo: InboundMedia | None = None
    display_name: str | None = None
    # Payload of a pressed button (e.g. '/affirm'), when the channel knows it.
    button_payload: str | None = None
    # The user's own phone number, shared as a contact card.
    shared_phone: str | None = None
    # The phone number the channel knows the sender by (E.164), on channels whose
    # user key is the number itself.
    sender_phone: str | None = None
    # Message kinds the engine cannot read (sticker, voice, ...): reply politely.
    unsupported: str | None = None
    # The channel already holds further photos of the same album (sent together,
    # waiting behind this one): the form asks its next question after the last.
    more_follow: bool = False


@dataclass(frozen=True)
class Button:
    title: str
    payload: str
    # A shorter title for channels with tight limits (a WhatsApp list row holds 24
    # characters); the full title is shown beside it there.
    short: str | None = None

    def to_dict(self) -> dict[str, str]:
        data = {"title": self.title, "payload": self.payload}
        if self.short:
            data["short"] = self.short
        return data


# The payload of "more choices": the channel shows the choices of the last message
# with buttons from index `start` on (a channel whose lists hold fewer rows than the
# choices pages them); the engine answers it without a dialogue step.
MORE_CHOICES_INTENT = "pilihan_berikutnya"
_MORE_CHOICES = re.compile(re.escape(f"/{MORE_CHOICES_INTENT}") + r'\{"start": ?(\d{1,4})\}')


def more_choices_payload(start: int) -> str:
    return f"/{MORE_CHOICES_INTENT}" + json.dumps({"start": start})


def more_choices_start(payload: str) -> int | None:
    """The index a "more choices" payload asks for; None for any other payload."""
    match = _MORE_CHOICES.fullmatch(payload.strip())
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class Venue:
    latitude: float
    longitude: float
    title: str
    address: str


@dataclass
class Outbound:
    text: str | None = None
    buttons: list[Button] = field(default_factory=list)
    request_location: bool = False
    venue: Venue | None = None
    image_path: str | None = None
    # The buttons before this index were shown already ("more choices"): a channel
    # that pages its lists starts there; the others show them all.
    page_start: int = 0

    @property
    def empty(self) -> bool:
        """Nothing to send (e.g. a response whose optional lines all dropped out)."""
        return not (
            (self.text or "").strip()
            or self.buttons
            or self.request_location
            or self.venue
            or self.image_path
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "buttons": [b.to_dict() for b in self.buttons],
            "request_location": self.request_location,
            "venue": None if self.venue is None else self.venue.__dict__,
            "image_path": self.image_path,
            "page_start": self.page_start,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Outbound:
        venue = data.get("venue")
        return cls(
            text=data.get("text"),
            buttons=[Button(**b) for b in data.get("buttons") or []],
            request_location=bool(data.get("request_location")),
            venue=Venue(**venue) if venue else None,
            image_path=data.get("image_path"),
            page_start=int(data.get("page_start") or 0),
        )


CharCost = Callable[[str], int]


def _one(_: str) -> int:
    return 1


def _joins_previous(ch: str) -> bool:
    """A character that belongs to the grapheme before it: a combining mark, a
    zero-width joiner, a variation selector, an emoji skin tone or tag."""
    code = ord(ch)
    return (
        unicodedata.category(ch) in ("Mn", "Mc", "Me")
        or code == 0x200D
        or 0xFE00 <= code <= 0xFE0F
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
    )


def _is_regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def _safe_cut(line: str, limit: int, cost: CharCost) -> int:
    """The longest prefix of `line` within `limit` that ends on a grapheme boundary
    (never between a letter and its mark, inside an emoji sequence or a flag)."""
    used, end = 0, 0
    for i, ch in enumerate(line):
        used += cost(ch)
        if used > limit:
            break
        end = i + 1
    cut = end
    while 0 < cut < len(line) and (_joins_previous(line[cut]) or line[cut - 1] == "\u200d"):
        cut -= 1
    if 0 < cut < len(line) and _is_regional(line[cut]):
        run = 0  # flags are pairs: cut only after an even number of indicators
        while cut - run - 1 >= 0 and _is_regional(line[cut - run - 1]):
            run += 1
        cut -= run % 2
    return cut or max(end, 1)  # one grapheme longer than the limit: cut it anyway


def split_text(text: str, limit: int, *, cost: CharCost = _one) -> list[str]:
    """Split at line breaks so that every part fits one message of at most `limit`
    (a single longer line is cut, on a grapheme boundary). `cost` is what a
    character counts for (default 1): a channel that escapes or counts UTF-16
    units says so, and splits the raw text before escaping it."""
    parts: list[str] = []
    current, current_cost = "", 0
    for line in text.split("\n"):
        line_cost = sum(cost(ch) for ch in line)
        while line_cost > limit:  # a single over-long line: hard cut
            if current:
                parts.append(current)
                current, current_cost = "", 0
            cut = _safe_cut(line, limit, cost)
            parts.append(line[:cut])
            line = line[cut:]
            line_cost = sum(cost(ch) for ch in line)
        joined = current_cost + cost("\n") + line_cost if current else line_cost
        if current and joined > limit:
            parts.append(current)
            current, current_cost = line, line_cost
        elif current:
            current, current_cost = f"{current}\n{line}", joined
        else:
            current, current_cost = line, line_cost
    if current or not parts:
        parts.append(current)
    return parts
