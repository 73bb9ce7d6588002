"""Webhook bodies as Meta's WhatsApp Cloud API POSTs them (field "messages").

Shapes follow Meta's webhook reference (developers.facebook.com/documentation/
business-messaging/whatsapp/webhooks/reference/messages/...: text, location, image,
document, sticker, audio, interactive, reaction, unsupported, status). As Meta sends
them, timestamps are strings of Unix seconds, ids are strings and a message's "from"
is the user's wa_id. Every builder returns a whole body:

    {"object": "whatsapp_business_account",
     "entry": [{"id": <WABA id>, "changes": [{"value": {...}, "field": "messages"}]}]}

`combine` batches several into one body, as Meta does under load, and `signed` gives
the raw bytes and headers of the POST, signed like Meta signs them.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import secrets
import time
from typing import Any, TypedDict, Unpack

from tests.support.fake_graph import new_wamid

JSON = dict[str, Any]

WABA_ID = "102290129340398"
PHONE_NUMBER_ID = "109000000000001"  # FakeGraph's default, so both sides agree
DISPLAY_PHONE_NUMBER = "6281100000000"


def _now() -> str:
    return str(int(time.time()))


def _envelope(value: JSON, waba_id: str) -> JSON:
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": waba_id, "changes": [{"value": value, "field": "messages"}]}],
    }


def _metadata(phone_number_id: str, display_phone_number: str) -> JSON:
    return {"display_phone_number": display_phone_number, "phone_number_id": phone_number_id}


class Envelope(TypedDict, total=False):
    """Who sent a message and to which number: every message builder takes these."""

    name: str  # the sender's profile name ("Warga")
    message_id: str  # a fresh wamid when not given
    timestamp: str | int  # now when not given
    phone_number_id: str
    display_phone_number: str
    waba_id: str


def _inbound(
    wa_id: str,
    kind: str,
    content: JSON | None,
    *,
    context_id: str | None = None,
    extra: JSON | None = None,
    **envelope: Unpack[Envelope],
) -> JSON:
    name = envelope.get("name", "Warga")
    message_id = envelope.get("message_id")
    timestamp = envelope.get("timestamp")
    phone_number_id = envelope.get("phone_number_id", PHONE_NUMBER_ID)
    display_phone_number = envelope.get("display_phone_number", DISPLAY_PHONE_NUMBER)
    waba_id = envelope.get("waba_id", WABA_ID)
    message: JSON = {}
    if context_id is not None:
        # The message the user replied to (or whose button they tapped), sent by us.
        message["context"] = {"from": display_phone_number, "id": context_id}
    message |= {
        "from": wa_id,
        "id": message_id or new_wamid(),
        "timestamp": str(timestamp) if timestamp is not None else _now(),
        **(extra or {}),
        "type": kind,
    }
    if content is not None:
        message[kind] = content
    value = {
        "messaging_product": "whatsapp",
        "metadata": _metadata(phone_number_id, display_phone_number),
        "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
        "messages": [message],
    }
    return _envelope(value, waba_id)


def _media(media_id: str, mime_type: str, sha256: str | None) -> JSON:
    # Meta's sha256 is the file's; without the file, a stable stand-in derived from the id.
    digest = sha256 or hashlib.sha256(media_id.encode()).hexdigest()
    return {"mime_type": mime_type, "sha256": digest, "id": media_id}


def text_message(
    wa_id: str,
    body: str,
    *,
    context_id: str | None = None,
    **envelope: Unpack[Envelope],
) -> JSON:
    return _inbound(wa_id, "text", {"body": body}, context_id=context_id, **envelope)


def location_message(
    wa_id: str,
    latitude: float,
    longitude: float,
    *,
    location_name: str | None = None,
    address: str | None = None,
    url: str | None = None,
    **envelope: Unpack[Envelope],
) -> JSON:
    """A shared pin; name/address/url only appear when the user picked a place."""
    location: JSON = {"latitude": latitude, "longitude": longitude}
    for key, value in (("name", location_name), ("address", address), ("url", url)):
        if value is not None:
            location[key] = value
    return _inbound(wa_id, "location", location, **envelope)


def image_message(
    wa_id: str,
    media_id: str,
    *,
    mime_type: str = "image/jpeg",
    caption: str | None = None,
    sha256: str | None = None,
    **envelope: Unpack[Envelope],
) -> JSON:
    """A photo; pass `FakeGraph.add_media(...)`'s id (and its `.sha256`) to serve the file."""
    image = _media(media_id, mime_type, sha256)
    if caption is not None:
        image = {"caption": caption, **image}
    return _inbound(wa_id, "image", image, **envelope)


def document_message(
    wa_id: str,
    media_id: str,
    *,
    filename: str = "dokumen.pdf",
    mime_type: str = "application/pdf",
    caption: str | None = None,
    sha256: str | None = None,
    **envelope: Unpack[Envelope],
) -> JSON:
    document = {"filename": filename, **_media(media_id, mime_type, sha256)}
    if caption is not None:
        document = {"caption": caption, **document}
    return _inbound(wa_id, "document", document, **envelope)


def sticker_message(
    wa_id: str,
    media_id: str,
    *,
    animated: bool = False,
    mime_type: str = "image/webp",
    sha256: str | None = None,
    **envelope: Unpack[Envelope],
) -> JSON:
    sticker = {**_media(media_id, mime_type, sha256), "animated": animated}
    return _inbound(wa_id, "sticker", sticker, **envelope)


def audio_message(
    wa_id: str,
    media_id: str,
    *,
    voice: bool = True,
    mime_type: str = "audio/ogg; codecs=opus",
    sha256: str | None = None,
    **envelope: Unpack[Envelope],
) -> JSON:
    """A voice note (voice=True) or an audio file."""
    audio = {**_media(media_id, mime_type, sha256), "voice": voice}
    return _inbound(wa_id, "audio", audio, **envelope)


def button_reply(
    wa_id: str,
    reply_id: str,
    title: str,
    *,
    context_id: str | None = None,
    **envelope: Unpack[Envelope],
) -> JSON:
    """A tapped reply button; `context_id` is our message with the buttons (Meta always
    sends one; a fresh id when not given)."""
    interactive = {"type": "button_reply", "button_reply": {"id": reply_id, "title": title}}
    return _inbound(
        wa_id, "interactive", interactive, context_id=context_id or new_wamid(), **envelope
    )


def template_button_reply(
    wa_id: str,
    payload: str,
    text: str,
    *,
    context_id: str | None = None,
    **envelope: Unpack[Envelope],
) -> JSON:
    """A tapped quick-reply button of a template message: type "button" with the
    payload we sent and the button's text; `context_id` is our template message."""
    button = {"payload": payload, "text": text}
    return _inbound(wa_id, "button", button, context_id=context_id or new_wamid(), **envelope)


def list_reply(
    wa_id: str,
    reply_id: str,
    title: str,
    description: str | None = None,
    *,
    context_id: str | None = None,
    **envelope: Unpack[Envelope],
) -> JSON:
    """A chosen list row; `description` only when the row had one."""
    row: JSON = {"id": reply_id, "title": title}
    if description is not None:
        row["description"] = description
    interactive = {"type": "list_reply", "list_reply": row}
    return _inbound(
        wa_id, "interactive", interactive, context_id=context_id or new_wamid(), **envelope
    )


def reaction_message(
    wa_id: str,
    reacted_message_id: str,
    emoji: str | None = "👍",
    **envelope: Unpack[Envelope],
) -> JSON:
    """A reaction to one of our messages; emoji=None is a removed reaction (Meta then
    omits the "emoji" key)."""
    reaction: JSON = {"message_id": reacted_message_id}
    if emoji is not None:
        reaction["emoji"] = emoji
    return _inbound(wa_id, "reaction", reaction, **envelope)


def unsupported_message(
    wa_id: str,
    *,
    unsupported_type: str = "poll_creation",
    **envelope: Unpack[Envelope],
) -> JSON:
    """Something Cloud API cannot pass on (a poll, a view-once photo...): error 131051."""
    error = {
        "code": 131051,
        "title": "Message type unknown",
        "message": "Message type unknown",
        "error_data": {"details": "Message type is currently not supported."},
    }
    return _inbound(
        wa_id,
        "unsupported",
        {"type": unsupported_type},
        **envelope,
        extra={"errors": [error]},
    )


def status_error(
    code: int = 131026, title: str = "Message undeliverable", details: str = ""
) -> JSON:
    """One entry of a failed status's "errors"."""
    return {
        "code": code,
        "title": title,
        "message": title,
        "error_data": {"details": details or f"{title}."},
        "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
    }


def status_update(
    recipient_id: str,
    message_id: str,
    status: str,
    *,
    errors: list[JSON] | None = None,
    timestamp: str | int | None = None,
    category: str = "service",
    conversation: bool = True,
    phone_number_id: str = PHONE_NUMBER_ID,
    display_phone_number: str = DISPLAY_PHONE_NUMBER,
    waba_id: str = WABA_ID,
) -> JSON:
    """A sent/delivered/read/failed status of one of our messages (`value.statuses`).

    Pricing comes with "sent" and "delivered" (per-message pricing: a service reply
    inside the 24-hour window is free, a template is billed). Meta omits "conversation"
    from v24.0 on except for free entry points; `conversation=True` keeps it so parsers
    are shown both shapes. A "failed" status gets one undeliverable error by default.
    """
    if status not in {"sent", "delivered", "read", "failed"}:
        raise ValueError(f"unknown status {status!r}")
    ts = str(timestamp) if timestamp is not None else _now()
    entry: JSON = {
        "id": message_id,
        "status": status,
        "timestamp": ts,
        "recipient_id": recipient_id,
    }
    if status in {"sent", "delivered"}:
        if conversation:
            origin = {"id": secrets.token_hex(16), "origin": {"type": category}}
            if status == "sent":
                origin["expiration_timestamp"] = str(int(ts) + 24 * 3600)
            entry["conversation"] = origin
        free = category == "service"
        entry["pricing"] = {
            "billable": not free,
            "pricing_model": "PMP",
            "type": "free_customer_service" if free else "regular",
            "category": category,
        }
    if status == "failed":
        entry["errors"] = errors if errors is not None else [status_error()]
    elif errors is not None:
        raise ValueError("only a failed status carries errors")
    value = {
        "messaging_product": "whatsapp",
        "metadata": _metadata(phone_number_id, display_phone_number),
        "statuses": [entry],
    }
    return _envelope(value, waba_id)


def combine(*bodies: JSON, one_change: bool = False) -> JSON:
    """Several bodies as one POST: one entry per WABA with all their changes.

    With `one_change=True`, changes of the same phone number merge into one value whose
    "messages", "contacts" and "statuses" arrays hold them all, which Meta also does.
    """
    entries: dict[str, JSON] = {}
    for body in bodies:
        for entry in copy.deepcopy(body["entry"]):
            target = entries.setdefault(entry["id"], {"id": entry["id"], "changes": []})
            for change in entry["changes"]:
                merged = _merge_target(target["changes"], change) if one_change else None
                if merged is None:
                    target["changes"].append(change)
                    continue
                for key in ("contacts", "messages", "statuses"):
                    if key in change["value"]:
                        merged["value"].setdefault(key, []).extend(change["value"][key])
    return {"object": "whatsapp_business_account", "entry": list(entries.values())}


def _merge_target(changes: list[JSON], change: JSON) -> JSON | None:
    phone = change["value"]["metadata"]["phone_number_id"]
    for candidate in changes:
        if candidate["field"] == change["field"] and (
            candidate["value"]["metadata"]["phone_number_id"] == phone
        ):
            return candidate
    return None


def signed(body: JSON, app_secret: str) -> tuple[bytes, dict[str, str]]:
    """The raw bytes of the POST and its headers, X-Hub-Signature-256 as Meta computes it.

    Meta escapes non-ASCII characters (emoji arrive as \\ud83d\\udc4d), so the bytes
    are json.dumps' default output: a receiver must check the signature on these exact
    bytes, never on a re-serialised parse.
    """
    raw = json.dumps(body, separators=(",", ":")).encode()
    digest = hmac.new(app_secret.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={digest}"}
