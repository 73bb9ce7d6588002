"""`python -m bot serve` runs uvicorn with limits for slow and greedy clients."""

from __future__ import annotations

import logging

import pytest

from bot.cli.serve import SERVER_LIMITS, server_config


async def _app(scope: object, receive: object, send: object) -> None:  # pragma: no cover
    pass


def test_the_server_config_carries_the_limits() -> None:
    config = server_config(_app, host="127.0.0.1", port=8099)
    assert config.timeout_keep_alive == SERVER_LIMITS["timeout_keep_alive"] <= 10
    assert config.h11_max_incomplete_event_size == 16 * 1024
    assert config.limit_concurrency is not None and config.limit_concurrency > 0
    assert config.timeout_graceful_shutdown is not None
    assert (config.host, config.port) == ("127.0.0.1", 8099)


def test_uvicorn_handlers_get_the_masking_filter_and_still_format() -> None:
    """uvicorn makes its handlers in its Config; `serve` installs the filter after."""
    from bot.cli.logs import install_log_masking
    from core.log_privacy import MaskingFilter, uninstall

    server_config(_app, host="127.0.0.1", port=8099)
    install_log_masking()
    access = logging.getLogger("uvicorn.access")
    try:
        [handler] = access.handlers
        assert any(isinstance(f, MaskingFilter) for f in handler.filters)
        record = logging.LogRecord(
            "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
            ("127.0.0.1:5000", "POST", "/hook?nik=1871012345670001", "1.1", 200), None,
        )  # fmt: skip
        assert handler.filter(record)
        line = handler.format(record)  # uvicorn's AccessFormatter unpacks the args
        assert "1871012345670001" not in line and "187101**********" in line
        assert '"POST /hook?nik=' in line and "200" in line
    finally:
        uninstall()
        for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
            logging.getLogger(name).handlers.clear()


def test_uvicorn_logs_at_the_configured_level(monkeypatch: pytest.MonkeyPatch) -> None:
    """At LOG_LEVEL=WARNING no access line per webhook (each would be masked first)."""
    from core.settings import get_settings

    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    get_settings.cache_clear()
    try:
        server_config(_app, host="127.0.0.1", port=8099)
        assert not logging.getLogger("uvicorn.access").isEnabledFor(logging.INFO)
    finally:
        monkeypatch.delenv("LOG_LEVEL")
        get_settings.cache_clear()
        server_config(_app, host="127.0.0.1", port=8099)
    assert logging.getLogger("uvicorn.access").isEnabledFor(logging.INFO)
