"""bot/web.py: the Telegram webhook (secret header) and /healthz, offline."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from bot.web import create_app
from channels.telegram.app import build_application
from channels.telegram.webhook import SECRET_HEADER, TELEGRAM_WEBHOOK_PATH
from core.settings import Settings
from dialogue.engine import DialogueEngine
from tests.support.telegram_offline import OfflineRequest

SECRET = "s3cret-token_for-tests"


@pytest.fixture
def served(
    db: str, media_dir: Path, nlu_model_dir: Path
) -> Iterator[tuple[TestClient, OfflineRequest]]:
    settings = Settings(
        database_url=db, media_dir=media_dir, telegram_bot_token="123:TEST",
        telegram_webhook_secret=SECRET,
    )  # fmt: skip
    import nlu

    nlu.get_parser(nlu_model_dir)
    request = OfflineRequest()
    application = build_application(
        engine=DialogueEngine(), settings=settings, updater=False, request=request
    )
    with TestClient(create_app(settings=settings, telegram=application)) as client:
        yield client, request


def _update(update_id: int, text: str) -> dict[str, object]:
    chat = {"id": 77, "type": "private", "first_name": "Budi"}
    user = {"id": 77, "is_bot": False, "first_name": "Budi"}
    message = {"message_id": update_id, "date": 1_790_000_000, "chat": chat, "from": user,
               "text": text}  # fmt: skip
    return {"update_id": update_id, "message": message}


def _wait_for(request: OfflineRequest, count: int, timeout: float = 10.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        texts = [c.params["text"] for c in request.named("sendMessage")]
        if len(texts) >= count:
            return texts
        time.sleep(0.05)
    raise AssertionError(f"expected {count} messages, got {request.named('sendMessage')}")


def test_webhook_needs_the_secret_header(served: tuple[TestClient, OfflineRequest]) -> None:
    client, request = served
    assert client.post(TELEGRAM_WEBHOOK_PATH, json=_update(1, "halo")).status_code == 403
    wrong = {SECRET_HEADER: "nope"}
    assert (
        client.post(TELEGRAM_WEBHOOK_PATH, json=_update(1, "halo"), headers=wrong).status_code
        == 403
    )
    assert request.named("sendMessage") == []


def test_webhook_update_is_answered_once(served: tuple[TestClient, OfflineRequest]) -> None:
    client, request = served
    headers = {SECRET_HEADER: SECRET}
    assert (
        client.post(TELEGRAM_WEBHOOK_PATH, json=_update(5, "/start"), headers=headers).status_code
        == 200
    )
    [greeting] = _wait_for(request, 1)
    assert greeting.startswith("Halo! Saya Laporin")
    # Telegram redelivers the same update: no second answer.
    client.post(TELEGRAM_WEBHOOK_PATH, json=_update(5, "/start"), headers=headers)
    client.post(TELEGRAM_WEBHOOK_PATH, json=_update(6, "status"), headers=headers)
    texts = _wait_for(request, 2)
    assert len(texts) == 2 and "laporan" in texts[1].lower()
    assert request.named("setMyCommands"), "the command menu is set at start"


def test_webhook_rejects_bad_json(served: tuple[TestClient, OfflineRequest]) -> None:
    client, _ = served
    response = client.post(
        TELEGRAM_WEBHOOK_PATH, content=b"{not json", headers={SECRET_HEADER: SECRET}
    )
    assert response.status_code == 400


def test_healthz(served: tuple[TestClient, OfflineRequest]) -> None:
    client, _ = served
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"], body["problems"]) == ("ok", "ok", [])
    assert set(body["queues"]) == {"telegram", "whatsapp", "outbox"}


def test_healthz_reports_a_dead_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    from core import db as core_db
    from core import settings as core_settings

    core_settings.get_settings.cache_clear()
    core_db.get_engine.cache_clear()
    try:
        settings = core_settings.get_settings()
        with TestClient(create_app(settings=settings)) as client:
            response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["database"] == "error"
    finally:
        core_settings.get_settings.cache_clear()
        core_db.get_engine.cache_clear()


def test_serving_telegram_without_a_secret_is_refused(db: str) -> None:
    settings = Settings(database_url=db, telegram_bot_token="123:TEST")
    with pytest.raises(RuntimeError, match="TELEGRAM_WEBHOOK_SECRET"):
        create_app(settings=settings)
