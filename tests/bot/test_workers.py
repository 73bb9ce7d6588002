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


def test_telegram_gets_its_outbox_and_the_sla_sweep(db: str, media_dir: Path) -> None:
    tasks = workers.plan(telegram=_telegram(media_dir, OfflineRequest()))  # type: ignore[arg-type]
    assert len(tasks) == 2
    outbox = getattr(tasks[0], "__self__", None)
    assert isinstance(outbox, OutboxWorker) and outbox.channel == "telegram"
    assert tasks[1] is workers.sla_sweeps


def test_polling_starts_the_plan_after_the_command_menu_and_stops_it(
    db: str, media_dir: Path
) -> None:
    request = OfflineRequest()
    application = _telegram(media_dir, request)
    hooked = workers.hook_into_polling(application)  # type: ignore[arg-type]

    async def main() -> list[bool]:
        async with application:  # type: ignore[attr-defined]
            await application.post_init(application)  # type: ignore[attr-defined]
            running = [not t.done() for t in hooked._running]
            await application.post_stop(application)  # type: ignore[attr-defined]
        return running

    running = asyncio.run(main())
    assert running == [True, True]  # the Telegram outbox and the SLA sweep
    assert hooked._running == []
    assert request.named("setMyCommands")  # the channel's own start-up still runs


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
