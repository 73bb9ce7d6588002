"""Telegram Update -> Inbound. Photos (and image documents) are downloaded first."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

from telegram import Bot, Message, Update
from telegram.error import TelegramError

from dialogue.commands import command_payload
from dialogue.messages import MEDIA_TOO_LARGE, GeoPoint, Inbound, InboundMedia

CHANNEL = "telegram"

# The Bot API lets bots download files up to 20 MB; bigger ones cannot be fetched.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024

# Message attributes that mean "a kind of message we cannot read", in the order
# PTB's Message.effective_attachment would report them.
UNSUPPORTED_KINDS = (
    "sticker",
    "voice",
    "video",
    "video_note",
    "audio",
    "animation",
    "dice",
    "game",
    "poll",
    "story",
    "invoice",
)


def user_key(update: Update) -> str | None:
    """Replies go to the chat, so the chat id identifies the conversation."""
    chat = update.effective_chat
    return str(chat.id) if chat else None


def _unsupported_kind(message: Message) -> str:
    for kind in UNSUPPORTED_KINDS:
        if getattr(message, kind, None):
            return kind
    if message.document is not None:
        return "document"
    return "other"


# What the Bot API answers getFile for a file over its cap.
TOO_BIG_ERROR = "file is too big"


async def _download(bot: Bot, file_id: str, size: int | None, directory: Path) -> Path | str:
    """The downloaded file, or why not: MEDIA_TOO_LARGE or "unavailable"."""
    if size is not None and size > MAX_DOWNLOAD_BYTES:
        return MEDIA_TOO_LARGE
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / uuid.uuid4().hex
    try:
        telegram_file = await bot.get_file(file_id)
        await telegram_file.download_to_drive(target)
    except TelegramError as error:
        target.unlink(missing_ok=True)
        return MEDIA_TOO_LARGE if TOO_BIG_ERROR in str(error).lower() else "unavailable"
    return target


async def to_inbound(update: Update, bot: Bot, *, download_dir: Path) -> Inbound | None:
    """The Inbound for this update, or None when it is nothing a citizen sent us
    (edits, channel posts, service messages)."""
    key = user_key(update)
    chat = update.effective_chat
    # Citizens talk to the bot privately; groups are staff chats (buttons only).
    if key is None or chat is None or chat.type != "private":
        return None
    update_id = str(update.update_id)
    name = update.effective_user.full_name if update.effective_user else None
    base = Inbound(CHANNEL, key, update_id, display_name=name)

    query = update.callback_query
    if query is not None:
        return replace(base, button_payload=query.data or "")

    message = update.message
    if message is None:
        return None
    contact = message.contact
    if contact is not None and update.effective_user is not None:
        # Only the sender's own number (Telegram's "share my contact"), never a third party's.
        if contact.user_id == update.effective_user.id:
            return replace(base, shared_phone=contact.phone_number)
        return replace(base, unsupported="contact")
    if message.location is not None:  # also set for venues
        point = GeoPoint(message.location.latitude, message.location.longitude)
        return replace(base, location=point)
    if message.photo:
        largest = max(message.photo, key=lambda p: p.width * p.height)
        path = await _download(bot, largest.file_id, largest.file_size, download_dir)
        if path == MEDIA_TOO_LARGE:
            return replace(base, unsupported=MEDIA_TOO_LARGE, text=message.caption)
        if not isinstance(path, Path):
            return replace(base, unsupported="photo_unavailable")
        media = InboundMedia(str(path), "image/jpeg", None)
        return replace(base, photo=media, text=message.caption)
    if message.document is not None:
        # Any document goes to the photo check, which explains what is accepted.
        document = message.document
        path = await _download(bot, document.file_id, document.file_size, download_dir)
        if path == MEDIA_TOO_LARGE:
            return replace(base, unsupported=MEDIA_TOO_LARGE, text=message.caption)
        if not isinstance(path, Path):
            return replace(base, unsupported="document_unavailable")
        media = InboundMedia(str(path), document.mime_type, document.file_name)
        return replace(base, photo=media, text=message.caption)
    if message.text is not None:
        payload = command_payload(message.text)
        if payload is not None:
            return replace(base, button_payload=payload, text=message.text)
        return replace(base, text=message.text)
    return replace(base, unsupported=_unsupported_kind(message))
