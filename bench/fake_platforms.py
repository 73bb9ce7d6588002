"""The fake Graph API and the fake Bot API in a process of their own, for the load
benchmark (bench/load_bench.py): `python -m bench.fake_platforms --delay 0.15 ...`.

Both fakes answer after `--delay` seconds, as the round trip to Meta's or Telegram's
servers would. A third port answers the benchmark's questions: which messages were
sent to whom and when (GET /sent?since=N), and how many calls of each kind.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.support.fake_bot_api import FakeBotApi
from tests.support.fake_graph import FakeGraph


def stats_app(graph: FakeGraph, bot_api: FakeBotApi) -> Starlette:
    async def sent(request: Request) -> JSONResponse:
        since = int(request.query_params.get("since", 0))
        messages = [[m.to, m.at] for m in graph.sent[since:]]
        return JSONResponse({"sent": messages, "next": since + len(messages)})

    async def bot_sent(request: Request) -> JSONResponse:
        since = int(request.query_params.get("since", 0))
        with bot_api.lock:
            chats = [chat for chat, _ in bot_api.sent[since:]]
            times = bot_api.sent_at[since : since + len(chats)]
        messages = [[str(chat), at] for chat, at in zip(chats, times, strict=True)]
        return JSONResponse({"sent": messages, "next": since + len(messages)})

    async def counts(request: Request) -> JSONResponse:
        with bot_api.lock:
            calls = dict(bot_api.calls)
        return JSONResponse({
            "graph_sent": len(graph.sent), "graph_read_receipts": len(graph.read_receipts),
            "graph_requests": len(graph.requests), "graph_violations": graph.violations[:20],
            "graph_rejections": len(graph.rejections), "bot_calls": calls,
        })  # fmt: skip

    return Starlette(
        routes=[
            Route("/sent", sent),
            Route("/bot_sent", bot_sent),
            Route("/counts", counts),
        ]
    )


async def serve(args: argparse.Namespace) -> None:
    graph = FakeGraph(base_url=f"http://127.0.0.1:{args.graph_port}", delay=args.delay)
    bot_api = FakeBotApi(delay=args.delay)
    # The fake keeps every request; a long run at hundreds a second does not need them.
    graph.requests = _Discard()
    options: dict[str, Any] = {"log_level": "warning", "backlog": 2048}
    servers = [
        uvicorn.Server(uvicorn.Config(app, port=port, **options))
        for app, port in (
            (graph.app, args.graph_port),
            (bot_api.app, args.bot_port),
            (stats_app(graph, bot_api), args.stats_port),
        )
    ]
    await asyncio.gather(*(server.serve() for server in servers))


class _Discard(list[Any]):
    def append(self, item: Any) -> None:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--graph-port", type=int, required=True)
    parser.add_argument("--bot-port", type=int, required=True)
    parser.add_argument("--stats-port", type=int, required=True)
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.run(serve(args))
    except ImportError:
        asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
