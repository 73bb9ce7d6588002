"""core.http: httpx's client over aiohttp, against a real local HTTP server."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from httpx_aiohttp import AiohttpTransport
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from channels.telegram.request import AiohttpRequest
from channels.whatsapp.client import GraphClient, GraphError
from core.http import async_client


async def _messages(request: Request) -> JSONResponse:
    body = await request.json()
    if body.get("to") == "refuse":
        error = {"error": {"code": 131047, "message": "Re-engagement message"}}
        return JSONResponse(error, status_code=400)
    auth = request.headers.get("authorization")
    return JSONResponse({"messages": [{"id": f"wamid.{body['to']}"}], "auth": auth})


async def _get_me(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True, "result": {"id": 42, "is_bot": True, "first_name": "L"}})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    app = Starlette(
        routes=[
            Route("/v1/{phone}/messages", _messages, methods=["POST"]),
            Route("/bot42:T/getMe", _get_me, methods=["POST"]),
        ]
    )
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=5)


def test_async_client_sends_through_aiohttp_unless_given_a_transport() -> None:
    given = httpx.MockTransport(lambda request: httpx.Response(204))
    assert isinstance(async_client()._transport, AiohttpTransport)
    assert async_client(transport=given)._transport is given


def test_graph_client_over_real_http(server: str) -> None:
    async def scenario() -> tuple[list[str], GraphError]:
        client = GraphClient(
            base_url=server, version="v1", phone_number_id="42", access_token="secret"
        )
        try:
            payloads = [{"messaging_product": "whatsapp", "to": str(n)} for n in range(30)]
            sent = await asyncio.gather(*(client.send(p) for p in payloads))
            with pytest.raises(GraphError) as refused:
                await client.send({"messaging_product": "whatsapp", "to": "refuse"})
            return list(sent), refused.value
        finally:
            await client.aclose()

    sent, refused = asyncio.run(scenario())
    assert sent == [f"wamid.{n}" for n in range(30)]  # side by side, each its own answer
    assert (refused.http_status, refused.code) == (400, 131047)


def test_a_refused_connection_is_a_transient_graph_error() -> None:
    async def scenario() -> GraphError:
        client = GraphClient(
            base_url=f"http://127.0.0.1:{_free_port()}", version="v1", phone_number_id="42",
            access_token="secret", timeout=2.0,
        )  # fmt: skip
        try:
            with pytest.raises(GraphError) as failed:
                await client.send({"messaging_product": "whatsapp", "to": "1"})
            return failed.value
        finally:
            await client.aclose()

    error = asyncio.run(scenario())
    assert error.http_status == 0 and error.transient


def test_telegram_requests_go_through_aiohttp(server: str) -> None:
    async def scenario() -> tuple[int, bytes]:
        request = AiohttpRequest(connection_pool_size=4)
        await request.initialize()
        try:
            assert isinstance(request._client._transport, AiohttpTransport)
            return await request.do_request(f"{server}/bot42:T/getMe", "POST")
        finally:
            await request.shutdown()

    status, body = asyncio.run(scenario())
    assert status == 200 and b'"is_bot":true' in body
