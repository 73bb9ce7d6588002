"""Outbound -> WhatsApp Cloud API message payloads (POST /{phone-number-id}/messages).

Within Meta's documented limits: interactive reply buttons (at most 3, titles at
most 20 characters, ids at most 256), otherwise a list message (at most 10 rows,
row titles at most 24 characters, descriptions at most 72, ids at most 200, its
button label at most 20). More choices than rows are paged: 9 rows and a
"Pilihan berikutnya" row whose id asks the engine for the same choices from the
10th on (dialogue.messages.more_choices_payload). A title over 24 characters
shows the button's short title (or the title cut at a word) with the full title
as the row's description;
interactive bodies at most 1,024 characters (longer text goes first as a plain
text message, at most 4,096); a location request message when the engine asks
for a pin; a location message for a venue; an image by media id (after the
upload); a template message, the only kind allowed outside the 24-hour window
(its text parameters may hold no newline, tab or more than four spaces in a row).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dialogue.messages import Button, Outbound, more_choices_payload, split_text

MAX_TEXT = 4096
MAX_BODY = 1024
MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_BUTTON_ID = 256
MAX_ROWS = 10
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72
MAX_ROW_ID = 200
MAX_LIST_BUTTON = 20
MAX_TEMPLATE_PARAMETER = 700  # the whole template body is limited to 1,024 characters


@dataclass(frozen=True)
class Labels:
    """Indonesian labels from domain/dialogue.yml."""

    list_button: str  # the button that opens a list ("Pilih")
    choose: str  # body of an interactive message whose text went before ("Silakan pilih:")
    send_location: str  # body of a location request that follows a choice ("Kirim lokasi")
    more: str = "…"  # the row that opens the next page of a list ("Pilihan berikutnya")
    more_description: str = ""


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


def fit_words(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut after a whole word (with "…")."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if not text[limit - 1].isspace() and " " in cut.strip():  # cut inside a word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:/(-") + "…"


def _row(button: Button) -> dict[str, str]:
    # A payload too long for a row id falls back to the title, which the engine
    # resolves like a typed label.
    row_id = button.payload if len(button.payload) <= MAX_ROW_ID else button.title[:MAX_ROW_ID]
    title = button.title
    if len(title) > MAX_ROW_TITLE:
        short = button.short or ""
        title = short if 0 < len(short) <= MAX_ROW_TITLE else fit_words(title, MAX_ROW_TITLE)
    row = {"id": row_id, "title": title}
    if title != button.title:  # the full title goes below the short one
        row["description"] = fit_words(button.title, MAX_ROW_DESCRIPTION)
    return row


def list_rows(buttons: list[Button], start: int, labels: Labels) -> list[dict[str, str]]:
    """The rows of one page from `start`: all that are left if they fit, else 9 and a
    row that asks for the next page."""
    rest = buttons[start:]
    if len(rest) <= MAX_ROWS:
        return [_row(b) for b in rest]
    rows = [_row(b) for b in rest[: MAX_ROWS - 1]]
    more = {"id": more_choices_payload(start + MAX_ROWS - 1),
            "title": fit_words(labels.more, MAX_ROW_TITLE)}  # fmt: skip
    if labels.more_description:
        more["description"] = fit_words(labels.more_description, MAX_ROW_DESCRIPTION)
    return [*rows, more]


def interactive_payload(
    to: str, body: str, buttons: list[Button], labels: Labels, *, start: int = 0
) -> dict[str, Any]:
    if start == 0 and _fits_buttons(buttons):
        action: dict[str, Any] = {
            "buttons": [
                {"type": "reply", "reply": {"id": b.payload, "title": b.title}} for b in buttons
            ]
        }
        kind = "button"
    else:
        rows = list_rows(buttons, start, labels)
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


def template_payload(
    to: str, name: str, language: str, parameters: list[str], quick_replies: Sequence[str] = ()
) -> dict[str, Any]:
    """A template message; `quick_replies` are the payloads of the template's
    quick-reply buttons in order (they come back as a "button" message)."""
    body = {
        "type": "body",
        "parameters": [{"type": "text", "text": one_line(p)} for p in parameters],
    }
    buttons = [
        {"type": "button", "sub_type": "quick_reply", "index": str(i),
         "parameters": [{"type": "payload", "payload": payload}]}
        for i, payload in enumerate(quick_replies)
    ]  # fmt: skip
    template = {"name": name, "language": {"code": language}, "components": [body, *buttons]}
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
        start = message.page_start if 0 < message.page_start < len(message.buttons) else 0
        out.append(interactive_payload(to, body, message.buttons, labels, start=start))
        body = labels.send_location  # one interactive message cannot hold both
    if message.request_location:
        out.append(location_request_payload(to, body))
    if message.venue is not None:
        v = message.venue
        out.append(location_payload(to, v.latitude, v.longitude, v.title, v.address))
    return out
