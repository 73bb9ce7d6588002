"""A citizen typing into the console channel, for whole-conversation tests."""

from __future__ import annotations

from channels.console import format_outbound, to_inbound
from dialogue.engine import DialogueEngine
from dialogue.messages import Outbound


class Chat:
    """One citizen typing into the console, one line at a time."""

    def __init__(self, engine: DialogueEngine, user: str = "budi") -> None:
        self.engine = engine
        self.user = user

    def say(self, line: str) -> str:
        inbound = to_inbound(line, user_key=self.user, engine=self.engine)
        replies = [inbound] if isinstance(inbound, Outbound) else self.engine.handle(inbound)
        return "\n".join(format_outbound(r, self.engine) for r in replies)
