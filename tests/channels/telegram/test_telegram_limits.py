"""Telegram's limits are kept before each Bot API call: overall, per group and per
private chat, counted from the calls that reached the (offline) Bot API."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

from telegram.ext import ExtBot

from channels.telegram.limits import CHAT, GROUP, OVERALL, TelegramLimits, puts_message
from core.ratelimit import most_in
from tests.core.test_ratelimit import most_in_any_window
from tests.support.telegram_offline import OfflineRequest


class TimedRequest(OfflineRequest):
    times: dict[str, list[float]]

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        result = await super().do_request(url, method, *args, **kwargs)
        call = self.calls[-1]
        chat = str(call.params.get("chat_id", ""))
        self.times[chat].append(asyncio.get_running_loop().time())
        return result


def test_the_defaults_are_telegrams_limits() -> None:
    assert most_in(1.0, burst=OVERALL[0], per_second=OVERALL[1]) <= 30
    assert most_in(60.0, burst=GROUP[0], per_second=GROUP[1]) <= 20
    assert CHAT[1] <= 1.0  # one a second in a chat, after a short burst
    assert puts_message("sendMessage") and puts_message("sendVenue")
    assert not puts_message("sendChatAction") and not puts_message("editMessageReplyMarkup")


def test_calls_keep_the_overall_group_and_chat_limits() -> None:
    request = TimedRequest()
    request.times = defaultdict(list)
    limits = TelegramLimits(overall=(4, 36), group=(2, 8), chat=(2, 10))
    bot = ExtBot("123:TEST", request=request, get_updates_request=request, rate_limiter=limits)

    async def main() -> None:
        async with bot:
            request.times.clear()
            chats = [5, 6, 7, 8, -100]
            await asyncio.gather(
                *(bot.send_message(chat, f"pesan {n}") for n in range(8) for chat in chats),
                *(bot.send_chat_action(5, "typing") for _ in range(6)),
            )

    asyncio.run(main())
    everything = [t for times in request.times.values() for t in times]
    assert len(everything) == 46
    assert most_in_any_window(everything, 1.0) <= most_in(1.0, burst=4, per_second=36)
    group = request.times["-100"]
    assert most_in_any_window(group, 0.5) <= most_in(0.5, burst=2, per_second=8)
    for chat in ("6", "7", "8"):  # "5" also got the typing calls, which its limit skips
        for window in (0.001, 0.2, 0.5):
            assert most_in_any_window(request.times[chat], window) <= most_in(
                window, burst=2, per_second=10
            )
