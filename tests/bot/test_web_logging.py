"""uvicorn's access log must not keep the WhatsApp verify token (it is in the query)."""

from __future__ import annotations

import logging

from bot.web import DropQueryStrings


def test_access_log_lines_lose_their_query_string() -> None:
    path = "/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=rahasia&hub.challenge=1"
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", path, "1.1", 200), None,
    )  # fmt: skip
    assert DropQueryStrings().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /whatsapp/webhook HTTP/1.1" 200'
