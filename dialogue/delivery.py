"""What a channel gets to deliver a queued message, and what it answers.

Channel-agnostic: the outbox worker (bot/outbox.py) renders a queued
notification into a ``Delivery``; a channel's ``deliver`` function sends it and
answers an ``Outcome``. A channel never sees the queue itself.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from dialogue.messages import Inbound, Outbound


class Result(enum.Enum):
    SENT = "sent"
    RETRY = "retry"
    BLOCKED = "blocked"
    FAILED = "failed"


@dataclass(frozen=True)
class Outcome:
    result: Result
    error: str = ""
    retry_after: timedelta | None = None
    # What the channel keeps of the delivery (WhatsApp: the message ids sent), written
    # in the transaction that settles it, with many others.
    record: Callable[[Session], None] | None = None


@dataclass(frozen=True)
class Delivery:
    """One notification, rendered, for a channel's ``deliver``. Channels with rules of
    their own (WhatsApp's template outside the 24-hour window) also need the
    response name and variables it was rendered from."""

    notification_id: int
    user_key: str
    message: Outbound
    response: str
    variables: dict[str, Any]


Deliver = Callable[[Delivery], Awaitable[Outcome]]
# A queued notification by id, rendered again (WhatsApp resends one as a template
# when Meta reports the 24-hour window closed); None when it no longer exists.
FindDelivery = Callable[[int], Delivery | None]


@dataclass(frozen=True)
class ButtonReply:
    """The answer to a button pressed outside the conversation (a staff action)."""

    ok: bool
    text: str


# Bookkeeping a channel does in a turn's transaction, e.g. settling the stored
# webhook event the message came in (DialogueEngine.handle's `on_turn`).
TurnHook = Callable[[Session, Inbound], None]

# Where the engine puts a turn's replies when they are to be delivered later (the
# outbox), inside the turn's transaction: (session, the inbound message, replies).
ReplySink = Callable[[Session, Inbound, list[Outbound]], None]

# (channel, presser's user key, button data, the chat it was pressed in: None for
# a private chat with the bot) -> the answer, or None for a conversation button.
ButtonHandler = Callable[[str, str, str, str | None], ButtonReply | None]
