"""A citizen typing into the console channel, for whole-conversation tests."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import select

from channels.console import CHANNEL, format_outbound, to_inbound
from core.db import transaction
from dialogue.engine import DialogueEngine
from dialogue.messages import Button, GeoPoint, Inbound, InboundMedia, Outbound
from tickets.models import Notification

# The button confirming the one place the bot recognised in a typed location.
PLACE_CONFIRMATION = "ya, betul"


class Chat:
    """One citizen typing into the console, one line at a time.

    `say` types a line as the console does (a typed button label or number is
    resolved by the engine); `say_location`, `say_photo` and `press` send what a
    messenger sends for a pin, a photo (with its caption) and a tapped button.
    `offered` holds the buttons the citizen can see and tap: those of the latest
    turn that had any, and those of ticket news read with `news`.
    """

    def __init__(self, engine: DialogueEngine, user: str = "budi") -> None:
        self.engine = engine
        self.user = user
        self.offered: list[Button] = []
        self.last_text = ""  # the text the offered buttons came with
        self._seen_news: set[int] = set()

    def say(self, line: str) -> str:
        return self.render(self.say_replies(line))

    def say_replies(self, line: str) -> list[Outbound]:
        inbound = to_inbound(line, user_key=self.user, engine=self.engine)
        return [inbound] if isinstance(inbound, Outbound) else self.send(inbound)

    def say_location(self, latitude: float, longitude: float) -> str:
        return self.render(self.send(self.inbound(location=GeoPoint(latitude, longitude))))

    def say_photo(self, path: Path, caption: str | None = None) -> str:
        media = InboundMedia(str(path), "image/jpeg", path.name)
        return self.render(self.send(self.inbound(photo=media, text=caption)))

    def press(self, title: str) -> str:
        """Tap the offered button titled `title` (or the one button whose title contains it)."""
        return self.render(self.send(self.inbound(button_payload=self.button(title).payload)))

    def button(self, title: str) -> Button:
        """The offered button titled `title`; else the one whose title starts with it
        before a comma ("Gedong Meneng" of "Gedong Meneng, Rajabasa"), else the one
        containing it; a place the bot asked about alone ("Maksud Anda: Kel. X?")
        is confirmed with its "Ya, betul"."""
        wanted = title.casefold()
        exact = [b for b in self.offered if b.title.casefold() == wanted]
        lead = [b for b in self.offered if b.title.casefold().split(",")[0].strip() == wanted]
        partial = [b for b in self.offered if wanted in b.title.casefold()]
        confirm = [
            b
            for b in self.offered
            if b.title.casefold() == PLACE_CONFIRMATION and wanted in self.last_text.casefold()
        ]
        found = exact or lead or partial or confirm
        if len(found) != 1:
            titles = [b.title for b in self.offered]
            raise AssertionError(f"no single button {title!r} among the offered {titles}")
        return found[0]

    def send(self, inbound: Inbound) -> list[Outbound]:
        replies = self.engine.handle(inbound)
        with_buttons = [r for r in replies if r.buttons]
        if with_buttons:
            self.offered = list(with_buttons[-1].buttons)
            self.last_text = with_buttons[-1].text or ""
        return replies

    def news(self) -> list[Outbound]:
        """Ticket news queued for this citizen since the last call, rendered as the
        channel's outbox worker renders it; its buttons become tappable."""
        with transaction() as session:
            rows = session.scalars(
                select(Notification)
                .where(Notification.channel == CHANNEL, Notification.user_key == self.user)
                .order_by(Notification.id)
            ).all()
            fresh = [(n.id, n.reply, n.response, dict(n.variables)) for n in rows]
        messages: list[Outbound] = []
        for row_id, reply, response, variables in fresh:
            if row_id in self._seen_news or reply is not None:  # replies were shown already
                continue
            self._seen_news.add(row_id)
            messages.append(self.engine.render(response, **variables))
        buttons = [b for m in messages for b in m.buttons]
        if buttons:
            self.offered = buttons
        return messages

    def render(self, replies: list[Outbound]) -> str:
        return "\n".join(format_outbound(r, self.engine) for r in replies)

    def inbound(
        self,
        *,
        text: str | None = None,
        location: GeoPoint | None = None,
        photo: InboundMedia | None = None,
        button_payload: str | None = None,
    ) -> Inbound:
        """A message from this citizen, as a messenger channel hands it over."""
        return Inbound(CHANNEL, self.user, uuid.uuid4().hex, text=text, location=location,
                       photo=photo, button_payload=button_payload)  # fmt: skip
