"""Telegram's limits on what a bot sends, kept before each Bot API call.

From the Bot FAQ (core.telegram.org/bots/faq, "My bot is hitting limits"): in one
chat about one message a second (short bursts pass), in one group at most 20
messages a minute, and overall about 30 messages a second. PTB's AIORateLimiter
keeps the overall and group limits, its buckets sized so that no second (no minute
in a group) holds more; the per-chat limit of private chats is added here, counting
only calls that put a message in the chat ("typing" and removing a keyboard do not).
A flood-control answer (RetryAfter) pauses every call for its time, then the call
is tried again (twice at most).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter

from core.ratelimit import PerKey

# (burst, per second): at most burst + per_second x T calls in any T seconds.
OVERALL = (3.0, 27.0)  # 30 in any second
GROUP = (5.0, 15 / 60)  # 20 in any minute
CHAT = (3.0, 1.0)  # a reply of three messages at once, then one a second
RETRIES = 2
_ALSO_MESSAGES = frozenset({"copyMessage", "forwardMessage"})


def puts_message(endpoint: str) -> bool:
    """A Bot API method that sends a message into a chat."""
    return (endpoint.startswith("send") and endpoint != "sendChatAction") or (
        endpoint in _ALSO_MESSAGES
    )


def _private(chat_id: object) -> int | None:
    try:
        chat = int(chat_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    return chat if chat > 0 else None  # groups and channels have negative ids


class TelegramLimits(AIORateLimiter):
    def __init__(
        self,
        *,
        overall: tuple[float, float] = OVERALL,
        group: tuple[float, float] = GROUP,
        chat: tuple[float, float] = CHAT,
        max_retries: int = RETRIES,
    ) -> None:
        super().__init__(
            overall_max_rate=overall[0], overall_time_period=overall[0] / overall[1],
            group_max_rate=group[0], group_time_period=group[0] / group[1],
            max_retries=max_retries,
        )  # fmt: skip
        self.chats = PerKey(burst=chat[0], per_second=chat[1])

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat = _private(data.get("chat_id"))
        if chat is not None and puts_message(endpoint):
            await self.chats[chat].acquire()
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
