"""Personal data stays out of logs: the masking filter and the engine's hidden parameters."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy.exc import IntegrityError

from core.db import transaction
from core.log_privacy import WITHHELD, MaskingFilter, install, uninstall
from dialogue.models import Conversation
from nlu.entities.pii import mask_pii

NIK = "1871012345670001"
PHONE = "081234567889"
WA_ID = "6281234567889"


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger whose records reach a handler that carries the PII filter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskingFilter(mask_pii))
    logger = logging.getLogger("laporin.test.privacy")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield logger, stream
    finally:
        logger.removeHandler(handler)


def test_phone_and_nik_in_message_and_args_are_masked(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    logger.info("pesan dari %s: nik %s, hp %s", WA_ID, NIK, PHONE)
    logger.info(f"teks langsung {PHONE} / {NIK}")
    logger.info("dict %(nomor)s", {"nomor": PHONE})
    logger.info("angka %d dan jumlah %d", int(WA_ID), 3)
    out = stream.getvalue()
    assert NIK not in out and "3456" not in out and WA_ID not in out
    assert "187101**********" in out and "0812******89" in out
    assert "jumlah 3" in out  # ordinary numbers stay


def test_exception_text_is_masked(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    try:
        raise ValueError(f"bad row ({WA_ID!r}, 'hubungi {PHONE}')")
    except ValueError:
        logger.exception("gagal")
    out = stream.getvalue()
    assert "Traceback" in out and "ValueError" in out
    assert WA_ID not in out and PHONE not in out


def test_a_failing_mask_withholds_the_message() -> None:
    def broken(text: str) -> str:
        raise RuntimeError("no lexicon")

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hp %s", (PHONE,), None)
    MaskingFilter(broken).filter(record)
    assert PHONE not in record.getMessage() and WITHHELD in record.getMessage()


def test_install_covers_the_root_handlers_once() -> None:
    handler = logging.StreamHandler(io.StringIO())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        install(mask_pii)
        install(mask_pii)
        assert sum(isinstance(f, MaskingFilter) for f in handler.filters) == 1
    finally:
        root.removeHandler(handler)
        uninstall()


def test_the_cli_installs_the_filter(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.cli import main

    handler = logging.StreamHandler(io.StringIO())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with pytest.raises(SystemExit):
            main(["logs", "purge"])  # argparse refuses it, after nothing was installed
        assert not any(isinstance(f, MaskingFilter) for f in handler.filters)
        monkeypatch.setattr("bot.cli.logs._cmd_purge", lambda args: 0)
        main(["logs", "purge", "--days", "30"])
        assert any(isinstance(f, MaskingFilter) for f in handler.filters)
    finally:
        root.removeHandler(handler)
        uninstall()


def test_a_real_integrity_error_carries_no_parameters(
    db: str, captured: tuple[logging.Logger, io.StringIO]
) -> None:
    logger, stream = captured
    description = f"hubungi {PHONE}"
    with pytest.raises(IntegrityError) as caught, transaction() as session:
        for _ in range(2):  # the same (channel, user_key) twice: unique violation
            session.add(Conversation(channel=description, user_key=WA_ID, state={}, events=[]))
        session.flush()
    logger.error("insert failed: %s", caught.value)
    try:
        raise caught.value
    except IntegrityError:
        logger.exception("engine path")
    assert WA_ID not in str(caught.value) and PHONE not in str(caught.value)
    assert "hidden due to hide_parameters" in str(caught.value)
    out = stream.getvalue()
    assert WA_ID not in out and PHONE not in out and "3456" not in out


def test_postgresql_detail_with_the_failing_row_is_dropped(db: str) -> None:
    """A NOT NULL violation's DETAIL ("Failing row contains ...") would quote the row."""
    secret = "rumah budi di jalan mawar"
    with pytest.raises(IntegrityError) as caught, transaction() as session:
        session.add(Conversation(channel=None, user_key=secret, state={}, events=[]))
        session.flush()
    assert secret not in str(caught.value)
    assert secret not in str(caught.value.orig)
    assert "conversation" in str(caught.value)  # the statement (no values) stays
