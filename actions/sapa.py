"""The greeting: the Islamic salam is answered in kind, any other greeting with hello;
a greeting that names a service is a question about it."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.jawab_faq import answer_service_question

SALAM_FILE = Path(__file__).with_name("salam.txt")


@cache
def _salam() -> re.Pattern[str]:
    lines = SALAM_FILE.read_text(encoding="utf-8").splitlines()
    phrases = [_plain(line) for line in lines if line.strip() and not line.startswith("#")]
    return re.compile(r"\b(?:" + "|".join(map(re.escape, phrases)) + r")\b")


def _plain(text: str) -> str:
    return re.sub(r"['’`\-]", "", text.lower()).strip()


def is_salam(text: str) -> bool:
    return bool(_salam().search(_plain(text)))


class ActionSapa(Action):
    def name(self) -> str:
        return "action_sapa"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        # "punten, bade naros perihal akta kelahiran": a greeting with a question.
        answered = answer_service_question(dispatcher, tracker, accept=("named",))
        if answered is not None:
            return answered
        dispatcher.utter_message(response="utter_greet_salam" if is_salam(text) else "utter_greet")
        return []
