"""Meta's limits on what one business phone number sends, kept before each send.

- Throughput: 80 messages a second per business phone number by default, 1,000 once
  Meta has upgraded the number (developers.facebook.com/documentation/business-
  messaging/whatsapp/throughput; incoming messages count too, error 130429 beyond):
  WHATSAPP_MESSAGES_PER_SECOND, never more in any second.
- Pair rate: to one WhatsApp user about one message every 6 seconds, with bursts of
  up to 45 (error 131056 beyond): a conversation's replies go at once, a flood of
  ticket news to one citizen is spread out.

Read receipts and typing indicators are no messages and are not counted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from core.ratelimit import PerKey, limiter

# With the burst, no 6 seconds hold more than 45.
PAIR_BURST = 44
PAIR_PER_SECOND = 1 / 6


class SendLimits:
    def __init__(
        self,
        messages_per_second: float,
        *,
        pair_burst: float = PAIR_BURST,
        pair_per_second: float = PAIR_PER_SECOND,
    ) -> None:
        # A tenth of a second's messages at once, the rest spread: never more than
        # `messages_per_second` in any one second.
        burst = max(1.0, messages_per_second / 10)
        self.overall = limiter(burst=burst, per_second=messages_per_second - burst)
        self.pairs = PerKey(burst=pair_burst, per_second=pair_per_second)

    @asynccontextmanager
    async def send_to(self, wa_id: str) -> AsyncIterator[None]:
        """Wait until a message to `wa_id` is within both limits."""
        # The recipient first: a citizen at the pair limit holds no overall capacity.
        await self.pairs[wa_id].acquire()
        await self.overall.acquire()
        yield
