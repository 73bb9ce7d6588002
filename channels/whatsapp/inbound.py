"""WhatsApp webhook body -> messages and statuses; one message -> Inbound.

A body holds entries of changes; a change's value has `messages` (with the
sender in `contacts`) or `statuses` (of messages we sent). Images and documents
are downloaded with the access token, then go through the same photo checks as
Telegram's (tickets.media); only files beyond the download cap are refused here.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from channels.whatsapp.client import GraphClient, GraphError, MediaTooLargeError
from dialogue.messages import INVALID_LOCATION, MEDIA_TOO_LARGE, GeoPoint, Inbound, InboundMedia

log = logging.getLogger(__name__)

CHANNEL = "whatsapp"

# Like Telegram's 20 MB: beyond it the file is not fetched at all; below it,
# tickets.media applies MAX_PHOTO_BYTES and explains the limit to the citizen.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024

# Message types with media we accept as a photo (documents go to the photo check,
# which explains what is accepted).
MEDIA_TYPES = ("image", "document")
# Not a message to answer: a reaction to one of ours, or a notice about the account.
IGNORED_TYPES = frozenset({"reaction", "system", "ephemeral"})


@dataclass(frozen=True)
class IncomingMessage:
    wa_id: str
    message_id: str
    type: str
    data: dict[str, Any]  # the message object as Meta sent it
    name: str | None
    sent_at: datetime


@dataclass(frozen=True)
class IncomingStatus:
    message_id: str
    status: str
    at: datetime
    error_code: int | None
    error_title: str | None


def _timestamp(raw: Any) -> datetime:
    try:
        return datetime.fromtimestamp(int(raw), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        return datetime.now(tz=UTC)


def parse_body(
    body: dict[str, Any], *, phone_number_id: str
) -> list[IncomingMessage | IncomingStatus]:
    """Messages and statuses for our phone number, in the order Meta listed them.
    Changes for another number of the same business account are skipped."""
    items: list[IncomingMessage | IncomingStatus] = []
    for entry in body.get("entry") or ():
        for change in entry.get("changes") or ():
            value = change.get("value") or {}
            if change.get("field") != "messages":
                continue
            if (value.get("metadata") or {}).get("phone_number_id") != phone_number_id:
                continue
            names = {
                c.get("wa_id"): (c.get("profile") or {}).get("name")
                for c in value.get("contacts") or ()
            }
            for message in value.get("messages") or ():
                sender = str(message.get("from") or "")
                if not sender or not message.get("id"):
                    # A user known only by a business-scoped user id (a username,
                    # number withheld) cannot be answered by number yet: see docs.
                    log.warning("whatsapp message %s has no sender number; skipped",
                                message.get("id"))  # fmt: skip
                    continue
                items.append(
                    IncomingMessage(
                        wa_id=sender,
                        message_id=str(message["id"]),
                        type=str(message.get("type") or "unknown"),
                        data=message,
                        name=names.get(sender),
                        sent_at=_timestamp(message.get("timestamp")),
                    )
                )
            for status in value.get("statuses") or ():
                error = (status.get("errors") or [{}])[0]
                items.append(
                    IncomingStatus(
                        message_id=str(status.get("id") or ""),
                        status=str(status.get("status") or ""),
                        at=_timestamp(status.get("timestamp")),
                        error_code=int(error["code"]) if error.get("code") else None,
                        error_title=error.get("title") or error.get("message"),
                    )
                )
    return items


def _reply(base: Inbound, reply_id: str, title: str) -> Inbound:
    """A pressed button or list row. Our ids are engine payloads ('/affirm'); a row
    whose payload was too long for an id carries the button's title instead,
    which the engine resolves like a typed label."""
    if reply_id.startswith("/"):
        return replace(base, button_payload=reply_id)
    return replace(base, text=reply_id or title)


async def _download(
    client: GraphClient, media_id: str, directory: Path
) -> tuple[Path, str | None] | str:
    """The file and its mime type, or why not: MEDIA_TOO_LARGE or "unavailable"."""
    try:
        info = await client.media_info(media_id)
        if info.file_size is not None and info.file_size > MAX_DOWNLOAD_BYTES:
            return MEDIA_TOO_LARGE
        target = directory / uuid.uuid4().hex
        await client.download(info.url, target, max_bytes=MAX_DOWNLOAD_BYTES)
    except MediaTooLargeError:  # the announced size was missing or wrong
        return MEDIA_TOO_LARGE
    except GraphError as error:
        log.warning("whatsapp media %s could not be fetched: %s", media_id, error)
        return "unavailable"
    return target, info.mime_type


async def to_inbound(
    message: IncomingMessage, client: GraphClient, *, download_dir: Path
) -> Inbound | None:
    """The Inbound for one message, or None for what needs no answer (reactions)."""
    if message.type in IGNORED_TYPES:
        return None
    # A WhatsApp id is the sender's phone number, digits with the country code.
    phone = f"+{message.wa_id}" if message.wa_id.isdigit() else None
    base = Inbound(
        CHANNEL, message.wa_id, message.message_id, display_name=message.name, sender_phone=phone
    )
    data = message.data.get(message.type) or {}
    if message.type == "text":
        return replace(base, text=str(data.get("body") or ""))
    if message.type == "location":
        try:
            point = GeoPoint(float(data["latitude"]), float(data["longitude"]))
        except (KeyError, TypeError, ValueError, OverflowError):
            # Answered as a pin that is not valid (the engine also refuses NaN/Inf).
            return replace(base, unsupported=INVALID_LOCATION)
        return replace(base, location=point)
    if message.type in MEDIA_TYPES:
        fetched = await _download(client, str(data.get("id") or ""), download_dir)
        if fetched == MEDIA_TOO_LARGE:
            return replace(base, unsupported=MEDIA_TOO_LARGE, text=data.get("caption"))
        if isinstance(fetched, str):
            return replace(base, unsupported=f"{message.type}_unavailable")
        path, mime = fetched
        media = InboundMedia(str(path), mime or data.get("mime_type"), data.get("filename"))
        return replace(base, photo=media, text=data.get("caption"))
    if message.type == "interactive":
        kind = data.get("type")
        reply = data.get(kind) if kind in ("button_reply", "list_reply") else None
        if not reply:
            return replace(base, unsupported=f"interactive_{kind}")
        return _reply(base, str(reply.get("id") or ""), str(reply.get("title") or ""))
    if message.type == "button":  # a quick-reply button of a template message
        return _reply(base, str(data.get("payload") or ""), str(data.get("text") or ""))
    if message.type == "contacts":
        # The sender's own card gives their number; someone else's is not for us.
        own = [
            c for c in data if isinstance(c, dict)
            for p in c.get("phones") or () if p.get("wa_id") == message.wa_id
        ]  # fmt: skip
        if own:
            return replace(base, shared_phone=f"+{message.wa_id}")
        return replace(base, unsupported="contact")
    return replace(base, unsupported=message.type)
