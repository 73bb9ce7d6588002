"""channels/http_body.read_body: a webhook body with a size cap and a deadline."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.requests import Request

from channels.http_body import (
    BodyError,
    BodyTimeoutError,
    BodyTooLargeError,
    read_body,
)

Message = dict[str, Any]


def _request(chunks: list[bytes], *, headers: dict[str, str] | None = None,
             stall: bool = False) -> tuple[Request, list[int]]:  # fmt: skip
    """A request whose body arrives in `chunks`; with `stall` the client then goes
    quiet without finishing the body. The list counts the chunks handed over."""
    handed: list[int] = []
    pending = list(chunks)

    async def receive() -> Message:
        if pending:
            handed.append(1)
            chunk = pending.pop(0)
            more = bool(pending) or stall
            return {"type": "http.request", "body": chunk, "more_body": more}
        if stall:
            await asyncio.Event().wait()  # never set: a client that stopped sending
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {
        "type": "http", "method": "POST", "path": "/hook", "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
    }  # fmt: skip
    return Request(scope, receive), handed


def _read(request: Request, **limits: Any) -> bytes:
    return asyncio.run(read_body(request, **limits))


def test_a_body_in_chunks_is_read_whole() -> None:
    request, _ = _request([b'{"a":', b" 1}"])
    assert _read(request, max_bytes=100, timeout=5) == b'{"a": 1}'


def test_a_body_over_the_cap_is_refused_while_streaming() -> None:
    request, handed = _request([b"x" * 60, b"x" * 60, b"x" * 60])
    with pytest.raises(BodyTooLargeError) as caught:
        _read(request, max_bytes=100, timeout=5)
    assert caught.value.status == 413
    assert len(handed) == 2  # stopped at the chunk that went over, the third never read


def test_a_declared_length_over_the_cap_is_refused_before_reading() -> None:
    request, handed = _request([b"x"], headers={"Content-Length": "5000"})
    with pytest.raises(BodyTooLargeError):
        _read(request, max_bytes=100, timeout=5)
    assert handed == []


def test_a_bad_declared_length_is_a_bad_request() -> None:
    request, _ = _request([b"x"], headers={"Content-Length": "lots"})
    with pytest.raises(BodyError) as caught:
        _read(request, max_bytes=100, timeout=5)
    assert caught.value.status == 400


def test_a_body_that_stops_arriving_times_out() -> None:
    request, _ = _request([b'{"partial":'], stall=True)
    with pytest.raises(BodyTimeoutError) as caught:
        _read(request, max_bytes=100, timeout=0.05)
    assert caught.value.status == 408
