"""Channel-agnostic message types: what adapters hand to the engine and get back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


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
            "buttons": [{"title": b.title, "payload": b.payload} for b in self.buttons],
            "request_location": self.request_location,
            "venue": None if self.venue is None else self.venue.__dict__,
            "image_path": self.image_path,
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
        )


def split_text(text: str, limit: int) -> list[str]:
    """Split at line breaks so that every part fits one message of at most `limit`
    characters (a single longer line is cut)."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # a single over-long line: hard cut
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts
