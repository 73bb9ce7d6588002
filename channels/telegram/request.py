"""The Bot API's HTTP requests through aiohttp (core/http.py says why): PTB's
HTTPXRequest with its client built by core.http."""

from __future__ import annotations

import httpx
from telegram.request import HTTPXRequest

from core.http import async_client

# PTB's own defaults: calls side by side, and one long poll at a time.
POOL_SIZE = 256
GET_UPDATES_POOL_SIZE = 1


class AiohttpRequest(HTTPXRequest):
    def _build_client(self) -> httpx.AsyncClient:
        return async_client(**self._client_kwargs)
