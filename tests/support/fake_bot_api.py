"""A local fake of the Telegram Bot API over HTTP, for a real `bot serve` process in
webhook mode: answers what the bot calls and records every message it sends.

`delay` (seconds, default 0) holds every answer that long, as the round trip to
Telegram's servers would (the load benchmark uses 150 ms)."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

BOT_USER = {"id": 999, "is_bot": True, "first_name": "Laporin", "username": "LaporinBot"}


class FakeBotApi:
    def __init__(self, *, delay: float = 0.0) -> None:
        self.delay = delay
        self.lock = threading.Lock()
        self.sent: list[tuple[int, str]] = []  # (chat id, text) in the order sent
        self.sent_at: list[float] = []  # time.time() of each of `sent`
        self.calls: dict[str, int] = {}  # Bot API method -> how many calls
        self._ids = itertools.count(1000)
        self.app = Starlette(
            routes=[Route("/bot{token}/{method}", self._call, methods=["GET", "POST"])]
        )

    async def _params(self, request: Request) -> dict[str, Any]:
        kind = request.headers.get("content-type", "")
        if kind.startswith("application/json"):
            body = await request.body()
            return dict(json.loads(body)) if body else {}
        # python-telegram-bot posts url-encoded forms (no file is sent here).
        form = parse_qs((await request.body()).decode())
        return {key: values[-1] for key, values in form.items()}

    async def _call(self, request: Request) -> JSONResponse:
        method = request.path_params["method"]
        params = await self._params(request)
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.calls[method] = self.calls.get(method, 0) + 1
        result: Any = True
        if method == "getMe":
            result = BOT_USER
        elif method == "sendMessage":
            chat_id = int(params["chat_id"])
            with self.lock:
                self.sent.append((chat_id, str(params.get("text", ""))))
                self.sent_at.append(time.time())
            result = {"message_id": next(self._ids), "date": 1_790_000_000,
                      "chat": {"id": chat_id, "type": "private"}, "from": BOT_USER,
                      "text": params.get("text", "")}  # fmt: skip
        return JSONResponse({"ok": True, "result": result})

    def texts_to(self, chat_id: int) -> list[str]:
        with self.lock:
            return [text for chat, text in self.sent if chat == chat_id]
