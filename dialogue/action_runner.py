"""Runs custom actions in-process through rasa_sdk's ActionExecutor.

The engine builds the same action-call payload Rasa would POST to an action
server, so `python -m rasa_sdk --actions actions` serves these actions unchanged.
"""

from __future__ import annotations

import asyncio
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


def run_action(name: str, tracker: TrackerState, domain: Domain) -> ActionResult:
    # The engine is synchronous (blocking DB work); async channels call it from a
    # worker thread, so a private event loop per call is safe here.
    result = asyncio.run(get_executor().run(action_call(name, tracker, domain)))
    if result is None:
        return ActionResult([], [])
    return ActionResult(events=list(result.events), messages=list(result.responses))
