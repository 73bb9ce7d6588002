"""bot/workers.py decides which background tasks a process runs; core/loops.py is the
one loop they all use."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot import workers
from bot.assembly import telegram_application
from bot.outbox import OutboxWorker
from core.loops import run_until_stopped
from core.settings import Settings
from tests.support.telegram_offline import OfflineRequest


def _telegram(media_dir: Path, request: OfflineRequest) -> object:
    settings = Settings(telegram_bot_token="123:TEST", media_dir=media_dir)
    return telegram_application(settings=settings, updater=False, request=request)


def test_a_process_serving_no_channel_runs_no_task() -> None:
    assert workers.plan() == []


def test_telegram_gets_its_processor_outbox_and_the_sla_sweep(db: str, media_dir: Path) -> None:
    from channels.telegram.poller import Poller
    from channels.telegram.processor import UpdateProcessor

    application = _telegram(media_dir, OfflineRequest())
    tasks = workers.plan(telegram=application)  # type: ignore[arg-type]
    owners = [getattr(task, "__self__", task) for task in tasks]
    assert isinstance(owners[0], UpdateProcessor)
    assert isinstance(owners[1], OutboxWorker) and owners[1].channel == "telegram"
    assert owners[2:] == [workers.sla_sweeps]
    polling = workers.plan(telegram=application, telegram_polling=True)  # type: ignore[arg-type]
    assert any(isinstance(getattr(t, "__self__", None), Poller) for t in polling)


def _update(update_id: int, text: str) -> dict[str, object]:
    chat = {"id": 77, "type": "private", "first_name": "Budi"}
    user = {"id": 77, "is_bot": False, "first_name": "Budi"}
    message = {"message_id": update_id, "date": 1_790_000_000, "chat": chat, "from": user,
               "text": text}  # fmt: skip
    return {"update_id": update_id, "message": message}


def test_polling_stores_before_it_confirms_and_answers_from_the_store(
    db: str, media_dir: Path, nlu_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from channels.telegram.poller import Poller

    request = OfflineRequest(updates=[_update(41, "halo"), _update(42, "status")])
    application = _telegram(media_dir, request)
    real_store = Poller._store
    failures: list[int] = []

    def flaky_store(self: Poller, updates: object) -> int:
        if not failures:  # the database is away for the first batch
            failures.append(1)
            raise OSError("database unreachable")
        return real_store(self, updates)  # type: ignore[arg-type]

    monkeypatch.setattr(Poller, "_store", flaky_store)
    monkeypatch.setattr("channels.telegram.poller.MAX_PAUSE", 0.05)

    async def main() -> None:
        stop = asyncio.Event()
        running = asyncio.create_task(workers.run_telegram_polling(application, stop))  # type: ignore[arg-type]
        for _ in range(400):
            if len(request.named("sendMessage")) >= 2:
                break
            await asyncio.sleep(0.05)
        stop.set()
        await running

    asyncio.run(main())
    offsets = [c.params.get("offset") for c in request.named("getUpdates")]
    # Not confirmed while it could not be stored; then confirmed by the next call.
    assert offsets[:3] == [None, None, 43]
    texts = [c.params["text"] for c in request.named("sendMessage")]
    assert texts[0].startswith("Halo! Saya Laporin") and "laporan" in texts[1].lower()
    assert request.named("setMyCommands") and request.named("deleteWebhook")


def test_the_loop_survives_a_failing_round_and_stops(caplog: pytest.LogCaptureFixture) -> None:
    rounds: list[int] = []

    async def step() -> int:
        rounds.append(1)
        if len(rounds) == 1:
            raise RuntimeError("database went away")
        if len(rounds) == 3:
            stop.set()
        return 0

    stop = asyncio.Event()
    with caplog.at_level(logging.ERROR):
        asyncio.run(run_until_stopped(step, stop, name="test", idle_seconds=0.01))
    assert len(rounds) == 3
    assert "test: round failed" in caplog.text


def test_the_loop_keeps_going_while_there_is_work_and_a_wake_cuts_the_pause() -> None:
    async def main() -> int:
        stop, wake = asyncio.Event(), asyncio.Event()
        calls = 0

        async def step() -> int:
            nonlocal calls
            calls += 1
            if calls == 5:
                stop.set()
            return 1 if calls < 3 else 0  # work, work, then idle

        async def nudge() -> None:
            while not stop.is_set():
                await asyncio.sleep(0.01)
                wake.set()

        nudger = asyncio.create_task(nudge())
        # Without the wake-ups the two idle rounds would wait 60 s: the guard fails it.
        loop = run_until_stopped(step, stop, name="test", idle_seconds=30, wake=wake)
        await asyncio.wait_for(loop, timeout=15)
        await nudger
        return calls

    assert asyncio.run(main()) == 5


def test_always_pause_waits_even_after_work() -> None:
    async def main() -> int:
        stop = asyncio.Event()
        calls = 0

        async def step() -> int:
            nonlocal calls
            calls += 1
            return 1

        async def stop_soon() -> None:
            await asyncio.sleep(0.2)
            stop.set()

        stopper = asyncio.create_task(stop_soon())
        await run_until_stopped(step, stop, name="t", idle_seconds=30, always_pause=True)
        await stopper
        return calls

    assert asyncio.run(main()) == 1
