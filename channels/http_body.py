"""Reading a webhook's request body with a size cap and a deadline.

uvicorn has no timeout for a slow body: a client that sends one byte a minute
holds a connection (and our handler) for as long as it likes. `read_body`
gives the whole body `timeout` seconds and `max_bytes` bytes; the webhook
answers 408 or 413 and the platform retries (it sends the body at once).
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request


class BodyError(Exception):
    """The body could not be read; `status` is the HTTP answer to give."""

    status = 400


class BodyTooLargeError(BodyError):
    status = 413


class BodyTimeoutError(BodyError):
    status = 408


async def read_body(request: Request, *, max_bytes: int, timeout: float) -> bytes:
    """The request body; BodyTooLargeError past `max_bytes` (a Content-Length that
    says so is refused before reading), BodyTimeoutError when it takes longer than
    `timeout` seconds in all."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > max_bytes:
                raise BodyTooLargeError(f"Content-Length {declared} > {max_bytes}")
        except ValueError:
            raise BodyError("bad Content-Length") from None
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(timeout):
            async for chunk in request.stream():
                size += len(chunk)
                if size > max_bytes:
                    raise BodyTooLargeError(f"body over {max_bytes} bytes")
                chunks.append(chunk)
    except TimeoutError:
        raise BodyTimeoutError(f"body not complete after {timeout} s") from None
    return b"".join(chunks)
