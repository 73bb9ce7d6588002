"""An offline PTB request: records every Bot API call and answers from canned data.

No network: PTB's Bot talks to this object instead of HTTP, as python-telegram-bot's
own test-suite does with its offline request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot
from telegram.request import BaseRequest, RequestData

BOT_USER = {"id": 999, "is_bot": True, "first_name": "Laporin", "username": "LaporinBot"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class OfflineRequest(BaseRequest):
    calls: list[Call] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # file_path -> bytes
    # What getUpdates hands out, as Telegram does: those from the offset on.
    updates: list[dict[str, Any]] = field(default_factory=list)
    _next_message_id: int = 100

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    def _message(self, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
        self._next_message_id += 1
        chat_id = int(params.get("chat_id", 1))
        return {
            "message_id": self._next_message_id,
            "date": 1_790_000_000,
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT_USER,
            **extra,
        }

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "sendMessage":
            return self._message(params, text=params.get("text", ""))
        if method == "sendVenue":
            location = {"latitude": params["latitude"], "longitude": params["longitude"]}
            venue = {"location": location, "title": params["title"], "address": params["address"]}
            return self._message(params, venue=venue, location=location)
        if method == "sendPhoto":
            size = {"file_id": "p1", "file_unique_id": "u1", "width": 8, "height": 6}
            return self._message(params, photo=[size])
        if method == "getFile":
            file_id = params["file_id"]
            data = self.files.get(file_id, b"")
            return {"file_id": file_id, "file_unique_id": f"u-{file_id}",
                    "file_size": len(data), "file_path": file_id}  # fmt: skip
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            return [u for u in self.updates if u["update_id"] >= offset]
        return True  # sendChatAction, setMyCommands, answerCallbackQuery, edits, deleteWebhook

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:  # a file download
            return 200, self.files.get(url.rsplit("/", 1)[-1], b"")
        api_method = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        self.calls.append(Call(api_method, dict(params)))
        body = {"ok": True, "result": self._result(api_method, params)}
        return 200, json.dumps(body).encode()

    def named(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]


def offline_bot(request: OfflineRequest | None = None) -> tuple[Bot, OfflineRequest]:
    request = request or OfflineRequest()
    bot = Bot("123:TEST", request=request, get_updates_request=request)
    return bot, request
