"""The Graph client over real HTTP looks for no module on a call: httpcore looks for
sniffio on every request and, were it missing, would retry the failed import each
time (a few per cent of the server's CPU under load)."""

from __future__ import annotations

import asyncio
import importlib.abc
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

from channels.whatsapp.client import GraphClient
from tests.support.fake_graph import FakeGraph
from tests.support.whatsapp_harness import free_port, uvicorn_thread


class LookedFor(importlib.abc.MetaPathFinder):
    """Asked first whenever a module not yet imported is looked for."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        self.names.append(fullname)
        return None


def test_graph_calls_look_for_no_module() -> None:
    port = free_port()
    fake = FakeGraph(base_url=f"http://127.0.0.1:{port}")
    payload = {"messaging_product": "whatsapp", "to": "6281234567890", "type": "text",
               "text": {"body": "halo"}}  # fmt: skip

    async def main() -> list[str]:
        client = GraphClient(base_url=fake.base_url, version=fake.version,
                             phone_number_id=fake.phone_number_id,
                             access_token=fake.access_token)  # fmt: skip
        try:
            await client.send(payload)  # the first call may import what it needs
            finder = LookedFor()
            sys.meta_path.insert(0, finder)
            try:
                for n in range(5):
                    await client.send(payload)
                    await client.mark_read(f"wamid.{n}")
            finally:
                sys.meta_path.remove(finder)
            return finder.names
        finally:
            await client.aclose()

    with uvicorn_thread(fake.app, port):
        assert asyncio.run(main()) == []
    assert len(fake.sent) == 6 and fake.violations == []
