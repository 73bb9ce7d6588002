"""Outbound -> Telegram Bot API calls.

- Text is sent with HTML parse mode, everything escaped (the engine sends plain
  text, which may quote what the citizen wrote). A long text is split before it
  is escaped, each character counted as its escaped form in UTF-16 units (what
  the 4096 limit counts), so a cut never falls inside "&amp;" or an emoji.
- Buttons become an inline keyboard whose callback data is the payload; a
  payload over Telegram's 64-byte limit falls back to the button's title, which
  the engine resolves like a typed label.
- A location request shows a one-time reply keyboard with a "send location"
  button; any other message without buttons removes that keyboard.
- A venue becomes a venue message (a map pin with title and address) after the text.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import MessageLimit, ParseMode

from dialogue.messages import Button, Outbound, split_text

MAX_CALLBACK_BYTES = 64


@dataclass(frozen=True)
class Labels:
    """Indonesian labels the adapter needs, rendered from domain/dialogue.yml."""

    send_location: str


Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


def escaped_cost(ch: str) -> int:
    """What one character of plain text counts for in the HTML sent: its escaped
    form ("&" is "&amp;") in UTF-16 code units (an emoji outside the BMP is 2)."""
    return len(html.escape(ch, quote=False).encode("utf-16-le")) // 2


def callback_data(button: Button) -> str:
    if len(button.payload.encode("utf-8")) <= MAX_CALLBACK_BYTES:
        return button.payload
    return button.title[:MAX_CALLBACK_BYTES]


def inline_keyboard(buttons: list[Button]) -> InlineKeyboardMarkup:
    # One button per row: titles are long Indonesian phrases ("Cari MPP terdekat").
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.title, callback_data=callback_data(b))] for b in buttons]
    )


def reply_markup(message: Outbound, labels: Labels) -> Markup:
    if message.buttons:
        return inline_keyboard(message.buttons)
    if message.request_location:
        return ReplyKeyboardMarkup(
            [[KeyboardButton(labels.send_location, request_location=True)]],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
    return ReplyKeyboardRemove()


async def send_outbound(bot: Bot, chat_id: int | str, message: Outbound, labels: Labels) -> None:
    """Send one Outbound as one or more Bot API calls, in order."""
    markup = reply_markup(message, labels)
    if message.text and message.text.strip():
        parts = split_text(message.text, MessageLimit.MAX_TEXT_LENGTH, cost=escaped_cost)
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            await bot.send_message(
                chat_id,
                html.escape(part, quote=False),
                parse_mode=ParseMode.HTML,
                reply_markup=markup if last else None,
            )
        markup_sent = True
    else:
        markup_sent = False
    if message.image_path:
        with Path(message.image_path).open("rb") as photo:
            await bot.send_photo(chat_id, photo, reply_markup=None if markup_sent else markup)
        markup_sent = True
    if message.venue is not None:
        venue = message.venue
        await bot.send_venue(
            chat_id,
            latitude=venue.latitude,
            longitude=venue.longitude,
            title=venue.title,
            address=venue.address,
            reply_markup=None if markup_sent else markup,
        )
