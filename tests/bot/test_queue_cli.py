"""`python -m bot queue status | retry | drop` and /healthz over the stored queues."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from bot.cli import main
from bot.web import create_app
from channels.telegram.models import TelegramUpdate
from channels.whatsapp.models import WhatsAppEvent
from core.db import transaction
from core.settings import get_settings
from core.timestamps import utcnow


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _dead_whatsapp_event(n: int) -> int:
    with transaction() as session:
        row = WhatsAppEvent(body_sha256=f"{n:064d}", body={}, status="failed", attempts=5,
                            last_error="GraphError: 190")  # fmt: skip
        session.add(row)
        session.flush()
        return row.id


def test_a_healthy_system_says_so(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "queue", "status")
    assert code == 0 and "Semua antrean sehat." in out
    code, out, _ = _run(capsys, "queue", "status", "--json")
    data = json.loads(out)
    assert data["problems"] == [] and set(data["queues"]) == {"telegram", "whatsapp", "outbox"}


def test_dead_letters_are_shown_retried_and_dropped(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = _dead_whatsapp_event(1), _dead_whatsapp_event(2)
    code, out, _ = _run(capsys, "queue", "status")
    assert code == 1 and "Perlu perhatian: whatsapp: 2 dead letter(s)" in out
    code, _, err = _run(capsys, "queue", "retry", "whatsapp")
    assert code == 2 and "--id" in err  # neither ids nor --all: nothing happens
    code, out, _ = _run(capsys, "queue", "retry", "whatsapp", "--id", str(first))
    assert code == 0 and out.startswith("1 pekerjaan gagal")
    code, out, _ = _run(capsys, "queue", "drop", "whatsapp", "--all")
    assert code == 0 and out.startswith("1 pekerjaan gagal")
    with transaction() as session:
        retried = session.get(WhatsAppEvent, first)
        assert retried is not None and (retried.status, retried.attempts) == ("pending", 0)
        assert session.get(WhatsAppEvent, second) is None


def test_healthz_is_degraded_by_old_work_or_dead_letters(db: str) -> None:
    settings = get_settings()
    with TestClient(create_app(settings=settings)) as client:
        assert client.get("/healthz").json()["status"] == "ok"
        with transaction() as session:
            session.add(TelegramUpdate(update_id=1, body={"update_id": 1}, status="pending",
                                       received_at=utcnow() - timedelta(hours=1)))  # fmt: skip
        response = client.get("/healthz")
        assert response.status_code == 200  # still serving: not taken out of rotation
        body = response.json()
        assert body["status"] == "degraded"
        assert body["problems"][0].startswith("telegram: oldest waiting job is")
        _dead_whatsapp_event(3)
        assert "whatsapp: 1 dead letter(s)" in client.get("/healthz").json()["problems"]
