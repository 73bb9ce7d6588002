"""Meta's limits are kept before each send: the number's throughput and the pair rate
to one user, counted from what reached the (fake) Graph API."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

from channels.whatsapp.limits import PAIR_BURST, PAIR_PER_SECOND, SendLimits
from channels.whatsapp.payloads import Labels
from channels.whatsapp.sender import Sender, Sent
from core.ratelimit import most_in
from tests.core.test_ratelimit import most_in_any_window


class RecordingClient:
    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)

    async def send(self, payload: dict[str, Any]) -> str:
        self.times[payload["to"]].append(asyncio.get_running_loop().time())
        return f"wamid.{sum(len(t) for t in self.times.values())}"


def test_the_defaults_are_metas_limits() -> None:
    overall = SendLimits(80).overall
    rate = overall.max_rate / overall.time_period
    assert most_in(1.0, burst=overall.max_rate, per_second=rate) <= 80
    assert most_in(6.0, burst=PAIR_BURST, per_second=PAIR_PER_SECOND) <= 45


def test_sends_keep_the_overall_and_the_pair_limits() -> None:
    client = RecordingClient()
    labels = Labels("Pilih", "Silakan pilih", "Kirim lokasi", "Lainnya", "Pilihan lain")
    limits = SendLimits(20, pair_burst=2, pair_per_second=8)
    sender = Sender(client, labels, limits=limits)  # type: ignore[arg-type]
    sent: list[Sent] = []

    async def main() -> None:
        payloads = [
            {"messaging_product": "whatsapp", "to": f"62811000{n % 4}", "type": "text",
             "text": {"body": f"pesan {n}"}}
            for n in range(32)
        ]  # fmt: skip
        await asyncio.gather(*(sender.send_payload(p, sent=sent) for p in payloads))

    asyncio.run(main())
    assert len(sent) == 32  # recorded by the caller, none lost
    everything = [t for times in client.times.values() for t in times]
    assert most_in_any_window(everything, 1.0) <= 20
    for times in client.times.values():
        assert len(times) == 8
        for window in (0.001, 0.25, 0.5):
            assert most_in_any_window(times, window) <= most_in(window, burst=2, per_second=8)
