"""`python -m bot logs purge --days N`: message log retention."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from bot.cli import main
from core.db import transaction
from core.timestamps import utcnow
from dialogue.engine import DialogueEngine
from dialogue.messages import Inbound
from dialogue.models import MessageLog, ProcessedUpdate
from tests.dialogue.test_engine import fixed_parse


def _count(model: type) -> int:
    with transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_purge_keeps_recent_rows_and_says_what_went(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = DialogueEngine(parse=fixed_parse)
    for _ in range(3):
        engine.handle(Inbound("test", "u1", uuid.uuid4().hex, text="status"))
    logged, guards = _count(MessageLog), _count(ProcessedUpdate)
    old = utcnow() - timedelta(days=40)
    with transaction() as session:
        first = session.scalar(select(func.min(ProcessedUpdate.update_id)))
        session.execute(update(MessageLog).where(MessageLog.update_id == first)
                        .values(created_at=old))  # fmt: skip
        session.execute(update(ProcessedUpdate).where(ProcessedUpdate.update_id == first)
                        .values(created_at=old))  # fmt: skip
        gone = session.scalar(
            select(func.count()).select_from(MessageLog).where(MessageLog.update_id == first)
        )
    assert main(["logs", "purge", "--days", "30"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{gone} pesan log lama dihapus; 1 id pembaruan lebih dari 30 hari dihapus."
    # The same cron job keeps the workspace's tables small (tests/workspace/test_login.py).
    assert out[1] == "0 sesi petugas yang sudah berakhir dan 0 catatan gagal masuk lama dihapus."
    assert _count(MessageLog) == logged - int(gone or 0)
    assert _count(ProcessedUpdate) == guards - 1


def test_purge_refuses_zero_days(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["logs", "purge", "--days", "0"]) == 2
    assert "--days harus 1 atau lebih" in capsys.readouterr().err
