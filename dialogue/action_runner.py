"""Runs custom actions in-process through rasa_sdk's ActionExecutor.

The engine builds the same action-call payload Rasa would POST to an action
server, so `python -m rasa_sdk --actions actions` serves these actions unchanged.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import rasa_sdk
from rasa_sdk.executor import ActionExecutor

from dialogue.domain import Domain
from dialogue.tracker import TrackerState

ACTIONS_PACKAGE = "actions"


@dataclass(frozen=True)
class ActionResult:
    events: list[dict[str, Any]]
    messages: list[dict[str, Any]]


@lru_cache
def get_executor() -> ActionExecutor:
    executor = ActionExecutor()
    executor.register_package(ACTIONS_PACKAGE)
    return executor


def action_call(name: str, tracker: TrackerState, domain: Domain) -> dict[str, Any]:
    return {
        "next_action": name,
        "sender_id": tracker.sender_id,
        "tracker": tracker.as_rasa_tracker(domain),
        "domain": domain.as_rasa_dict(),
        "version": rasa_sdk.__version__,
    }


def has_action(name: str) -> bool:
    return name in get_executor().actions


class _ThreadLoop:
    """An event loop of one thread, closed when the thread ends."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()

    def __del__(self) -> None:
        self.loop.close()


_loops = threading.local()


def _thread_loop() -> asyncio.AbstractEventLoop:
    held: _ThreadLoop | None = getattr(_loops, "held", None)
    if held is None:
        held = _loops.held = _ThreadLoop()
    return held.loop


def run_action(name: str, tracker: TrackerState, domain: Domain) -> ActionResult:
    # The engine is synchronous (blocking DB work); async channels call it from
    # worker threads. Each thread keeps one event loop for its action calls (a new
    # loop per call, as asyncio.run makes, costs more than most actions). The task
    # runs in a copy of the caller's context, so actions see the engine's session
    # (core.db.current_session) as they would under asyncio.run.
    loop = _thread_loop()
    call = get_executor().run(action_call(name, tracker, domain))
    result = loop.run_until_complete(loop.create_task(call, context=contextvars.copy_context()))
    if result is None:
        return ActionResult([], [])
    return ActionResult(events=list(result.events), messages=list(result.responses))
