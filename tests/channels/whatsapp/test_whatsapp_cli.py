"""`python -m bot whatsapp status|retry-failed|purge`."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.cli import main
from channels.whatsapp import store
from channels.whatsapp.models import WhatsAppEvent
from core.db import transaction
from core.timestamps import utcnow


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def _events(*bodies: bytes) -> list[int]:
    with transaction() as session:
        ids = [store.record_event(session=session, body=b) for b in bodies]
    return [i for i in ids if i is not None]


def test_status_retry_and_purge(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    old, failed, fresh = _events(b'{"n": 1}', b'{"n": 2}', b'{"n": 3}')
    with transaction() as session:
        store.record_sent(session=session, wamid="wamid.1", wa_id="628111", kind="text")
        session.execute(update(WhatsAppEvent).where(WhatsAppEvent.id.in_((old, fresh)))
                        .values(status="done"))  # fmt: skip
        session.execute(update(WhatsAppEvent).where(WhatsAppEvent.id == failed)
                        .values(status="failed", attempts=5))  # fmt: skip
        session.execute(update(WhatsAppEvent).where(WhatsAppEvent.id == old)
                        .values(received_at=utcnow() - timedelta(days=40)))  # fmt: skip

    data = json.loads(_run(capsys, "whatsapp", "status", "--json"))
    assert data == {"events": {"done": 2, "failed": 1}, "messages": {"accepted": 1}}
    assert "Event webhook: done 2, failed 1" in _run(capsys, "whatsapp", "status")

    assert "1 event dikembalikan" in _run(capsys, "whatsapp", "retry-failed")
    assert "1 event lama dihapus" in _run(capsys, "whatsapp", "purge", "--days", "30")
    with transaction() as session:
        rows = {e.id: (e.status, e.attempts) for e in session.scalars(select(WhatsAppEvent))}
    assert rows == {failed: ("pending", 0), fresh: ("done", 0)}


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "chat"),
        ({"TELEGRAM_BOT_TOKEN": "1:T"}, "telegram"),
        ({"WHATSAPP_PHONE_NUMBER_ID": "1", "WHATSAPP_ACCESS_TOKEN": "t",
          "WHATSAPP_VERIFY_TOKEN": "v", "WHATSAPP_APP_SECRET": "s"}, "serve"),
    ],
)  # fmt: skip
def test_run_picks_the_server_when_whatsapp_is_configured(
    env: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot import cli
    from bot.cli import serve
    from core.settings import get_settings

    for name in ("TELEGRAM_BOT_TOKEN", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_ACCESS_TOKEN",
                 "WHATSAPP_VERIFY_TOKEN", "WHATSAPP_APP_SECRET"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    chosen: list[str] = []
    for command in ("chat", "telegram", "serve"):
        monkeypatch.setattr(serve, f"_cmd_{command}", lambda args, c=command: chosen.append(c) or 0)
    try:
        assert cli.main(["run"]) == 0
    finally:
        get_settings.cache_clear()
    assert chosen == [expected]
