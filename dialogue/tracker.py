"""Conversation state between messages, and its Rasa tracker form for actions."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from dialogue.domain import Domain

# Actions only look back to the latest user message; older events are kept for
# context (debugging, later policies) up to this many.
MAX_EVENTS = 60
# What a user event keeps of the parse: the rankings are read from latest_message
# only (kept whole in the state), and would be most of every stored event.
RANKINGS = ("intent_ranking", "response_selector")


@dataclass
class TrackerState:
    sender_id: str
    slots: dict[str, Any] = field(default_factory=dict)
    active_loop: str | None = None
    latest_message: dict[str, Any] = field(default_factory=dict)
    latest_action_name: str | None = None
    last_buttons: list[dict[str, str]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def load(cls, sender_id: str, state: dict[str, Any], events: list[Any]) -> TrackerState:
        return cls(
            sender_id=sender_id,
            slots=dict(state.get("slots") or {}),
            active_loop=state.get("active_loop"),
            latest_message=dict(state.get("latest_message") or {}),
            latest_action_name=state.get("latest_action_name"),
            last_buttons=list(state.get("last_buttons") or []),
            events=list(events),
        )

    def dump_state(self) -> dict[str, Any]:
        return {
            "slots": self.slots,
            "active_loop": self.active_loop,
            "latest_message": self.latest_message,
            "latest_action_name": self.latest_action_name,
            "last_buttons": self.last_buttons,
        }

    def dump_events(self) -> list[dict[str, Any]]:
        return self.events[-MAX_EVENTS:]

    # --- events -----------------------------------------------------------
    def _log(self, event: dict[str, Any]) -> None:
        event.setdefault("timestamp", time.time())
        self.events.append(event)

    def user_uttered(self, parse_data: dict[str, Any], metadata: dict[str, Any]) -> None:
        self.latest_message = {**parse_data, "metadata": metadata}
        self._log(
            {
                "event": "user",
                "text": parse_data.get("text"),
                "parse_data": {k: v for k, v in parse_data.items() if k not in RANKINGS},
                "metadata": metadata,
            }
        )

    def set_slot(self, name: str, value: Any) -> None:
        self.slots[name] = value
        self._log({"event": "slot", "name": name, "value": value})

    def set_active_loop(self, name: str | None) -> None:
        self.active_loop = name
        self._log({"event": "active_loop", "name": name})

    def action_executed(self, name: str) -> None:
        self.latest_action_name = name
        self._log({"event": "action", "name": name})

    def bot_uttered(self, text: str | None, data: dict[str, Any]) -> None:
        # As Rasa's BotUttered: the text once, beside the rest of the message.
        data = {k: v for k, v in data.items() if k != "text"}
        self._log({"event": "bot", "text": text, "data": data})

    def reset_slots(self, names: list[str]) -> None:
        for name in names:
            if self.slots.get(name) is not None:
                self.set_slot(name, None)

    def apply(self, event: dict[str, Any], domain: Domain) -> None:
        """Apply an event returned by an action (rasa_sdk event dicts)."""
        kind = event.get("event")
        if kind == "slot":
            self.set_slot(event["name"], event.get("value"))
        elif kind == "active_loop":
            self.set_active_loop(event.get("name"))
        elif kind == "reset_slots":
            self.reset_slots(list(self.slots))
        elif kind == "action_execution_rejected":
            pass  # the engine reads it; nothing of the state changes
        elif kind in {"restart", "session_started"}:
            self.reset_slots(list(self.slots))
            self.active_loop = None
        else:
            raise ValueError(f"unsupported event from action: {event!r}")

    # --- the Rasa tracker an action receives ------------------------------
    def as_rasa_tracker(self, domain: Domain) -> dict[str, Any]:
        slots = {name: self.slots.get(name) for name in domain.slots}
        return {
            "sender_id": self.sender_id,
            "slots": slots,
            "latest_message": self.latest_message,
            "events": self.events[-MAX_EVENTS:],
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": self.active_loop} if self.active_loop else {},
            "latest_action_name": self.latest_action_name,
        }
