"""Outbound -> WhatsApp Cloud API message payloads (POST /{phone-number-id}/messages).

Within Meta's documented limits: interactive reply buttons (at most 3, titles at
most 20 characters, ids at most 256), otherwise a list message (at most 10 rows,
row titles at most 24 characters, ids at most 200, its button label at most 20);
interactive bodies at most 1,024 characters (longer text goes first as a plain
text message, at most 4,096); a location request message when the engine asks
for a pin; a location message for a venue; an image by media id (after the
upload); a template message, the only kind allowed outside the 24-hour window
(its text parameters may hold no newline, tab or more than four spaces in a row).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dialogue.messages import Button, Outbound, split_text

MAX_TEXT = 4096
MAX_BODY = 1024
MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_BUTTON_ID = 256
MAX_ROWS = 10
MAX_ROW_TITLE = 24
MAX_ROW_ID = 200
MAX_LIST_BUTTON = 20
MAX_TEMPLATE_PARAMETER = 700  # the whole template body is limited to 1,024 characters


@dataclass(frozen=True)
class Labels:
    """Indonesian labels from domain/dialogue.yml."""

    list_button: str  # the button that opens a list ("Pilih")
    choose: str  # body of an interactive message whose text went before ("Silakan pilih:")
    send_location: str  # body of a location request that follows a choice ("Kirim lokasi")


def _base(to: str) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text_payload(to: str, text: str) -> dict[str, Any]:
    return {**_base(to), "type": "text", "text": {"body": text, "preview_url": False}}


def _fits_buttons(buttons: list[Button]) -> bool:
    return len(buttons) <= MAX_BUTTONS and all(
        len(b.title) <= MAX_BUTTON_TITLE and len(b.payload) <= MAX_BUTTON_ID for b in buttons
    )


def interactive_payload(
    to: str, body: str, buttons: list[Button], labels: Labels
) -> dict[str, Any]:
    if _fits_buttons(buttons):
        action: dict[str, Any] = {
            "buttons": [
                {"type": "reply", "reply": {"id": b.payload, "title": b.title}} for b in buttons
            ]
        }
        kind = "button"
    else:
        rows = [
            # A payload too long for a row id falls back to the title, which the
            # engine resolves like a typed label.
            {"id": b.payload if len(b.payload) <= MAX_ROW_ID else _cut(b.title, MAX_ROW_ID),
             "title": _cut(b.title, MAX_ROW_TITLE)}
            for b in buttons[:MAX_ROWS]
        ]  # fmt: skip
        action = {"button": _cut(labels.list_button, MAX_LIST_BUTTON),
                  "sections": [{"rows": rows}]}  # fmt: skip
        kind = "list"
    return {
        **_base(to),
        "type": "interactive",
        "interactive": {"type": kind, "body": {"text": body}, "action": action},
    }


def location_request_payload(to: str, body: str) -> dict[str, Any]:
    return {
        **_base(to),
        "type": "interactive",
        "interactive": {
            "type": "location_request_message",
            "body": {"text": body},
            "action": {"name": "send_location"},
        },
    }


def location_payload(to: str, lat: float, lon: float, name: str, address: str) -> dict[str, Any]:
    location = {"latitude": lat, "longitude": lon, "name": name, "address": address}
    return {**_base(to), "type": "location", "location": location}


def image_payload(to: str, media_id: str) -> dict[str, Any]:
    return {**_base(to), "type": "image", "image": {"id": media_id}}


def one_line(text: str, limit: int = MAX_TEMPLATE_PARAMETER) -> str:
    """Text as a template parameter: whitespace runs (newlines too) become one space."""
    return _cut(re.sub(r"\s+", " ", text).strip(), limit)


def template_payload(to: str, name: str, language: str, parameters: list[str]) -> dict[str, Any]:
    body = {
        "type": "body",
        "parameters": [{"type": "text", "text": one_line(p)} for p in parameters],
    }
    template = {"name": name, "language": {"code": language}, "components": [body]}
    return {**_base(to), "type": "template", "template": template}


def payloads_for(to: str, message: Outbound, labels: Labels) -> list[dict[str, Any]]:
    """The API calls for one Outbound, in order (photos excluded; see module doc)."""
    out: list[dict[str, Any]] = []
    text = (message.text or "").strip()
    interactive = bool(message.buttons) or message.request_location
    if text and (not interactive or len(text) > MAX_BODY):
        out.extend(text_payload(to, part) for part in split_text(text, MAX_TEXT))
        body = labels.choose
    else:
        body = text or labels.choose
    if message.buttons:
        out.append(interactive_payload(to, body, message.buttons, labels))
        body = labels.send_location  # one interactive message cannot hold both
    if message.request_location:
        out.append(location_request_payload(to, body))
    if message.venue is not None:
        v = message.venue
        out.append(location_payload(to, v.latitude, v.longitude, v.title, v.address))
    return out
