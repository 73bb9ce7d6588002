"""HTTP clients for the platform APIs: httpx's interface over aiohttp's connections.

httpx's own connection pool (httpcore) spends milliseconds of CPU per request
once dozens are in flight (measured: about 10 ms at 20 concurrent requests to a
local server, against 0.5 ms through aiohttp), and every reply, read receipt and
typing indicator is such a request. httpx-aiohttp keeps httpx's API (and its
test transports: an explicit `transport` is used as given) and sends through
aiohttp.
"""

from __future__ import annotations

from typing import Any

import httpx
from httpx_aiohttp import HttpxAiohttpClient


def async_client(**kwargs: Any) -> httpx.AsyncClient:
    """An httpx.AsyncClient (same arguments) whose requests go through aiohttp,
    unless `transport` is given."""
    return HttpxAiohttpClient(**kwargs)
