"""Scripted citizen conversations (tests/data/conversations.yml): play one through
the real engine on the console channel, then check what the citizen cares about
against the database. The file's header documents the format."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from core.db import transaction
from core.settings import ROOT_DIR
from dialogue.engine import DialogueEngine
from dialogue.messages import GeoPoint, InboundMedia, Outbound
from knowledge.answer import detail_payload
from knowledge.faq import get_topic
from tests import factories
from tests.support.chat import Chat
from tests.support.images import photo, truncated_jpeg
from tickets.enums import StaffRole
from tickets.models import Ticket, TicketSupporter
from tickets.service import find_citizen
from tickets.statuses import is_open
from tickets.workflow import Request, perform

DATA = ROOT_DIR / "tests" / "data" / "conversations.yml"
CITIZEN = "warga"
# The workflow actions a staff turn performs, from a new ticket.
STAFF_PATHS = {
    "forward": ("forward",),
    "accept": ("forward", "accept"),
    "resolve": ("forward", "accept", "resolve"),
    "reject": ("reject",),
}
TURN_KINDS = ("say", "pin", "photo", "broken_photo", "press", "staff")
TICKET_KEYS = {
    "category", "description", "not_in_description", "location", "region", "photos",
    "confidential", "status", "open", "rating", "notes",
}  # fmt: skip
EXPECT_KEYS = {"tickets", "replies", "never", "faq", "handoff", "supports"}


@dataclass(frozen=True)
class Conversation:
    id: str
    about: str
    turns: list[dict[str, Any]]
    expect: dict[str, Any]
    staff_on_duty: bool = False
    tags: tuple[str, ...] = ()
    before: tuple[dict[str, Any], ...] = ()


@dataclass
class Step:
    """One turn: what the citizen did and what came back."""

    turn: dict[str, Any]
    replies: list[Outbound]
    text: str  # the replies as the console shows them
    offered: list[str]  # button titles the citizen saw before this turn
    sent: list[str]  # the texts the citizen sent: a typed line, a photo caption


@dataclass
class Transcript:
    steps: list[Step] = field(default_factory=list)

    def __str__(self) -> str:
        lines = []
        for step in self.steps:
            lines.append(f"  warga: {_describe(step.turn)}")
            lines.extend(f"    bot: {line}" for line in step.text.splitlines())
        return "\n".join(lines)

    @property
    def all_text(self) -> str:
        return "\n".join(step.text for step in self.steps)


def _describe(turn: dict[str, Any]) -> str:
    kind = next(k for k in TURN_KINDS if k in turn)
    return str(turn[kind]) if kind == "say" else f"[{kind}: {turn[kind]}]"


def _turn(raw: Any, where: str) -> dict[str, Any]:
    turn = {"say": raw} if isinstance(raw, str) else dict(raw)
    kinds = [k for k in TURN_KINDS if k in turn]
    if len(kinds) != 1:
        raise ValueError(f"{where}: a turn is one of {TURN_KINDS}: {raw!r}")
    unknown = set(turn) - {*TURN_KINDS, "caption", "note", "reply", "not"}
    if unknown:
        raise ValueError(f"{where}: unknown turn keys {sorted(unknown)}")
    return turn


def load(path: Path = DATA) -> list[Conversation]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    conversations = []
    for item in raw["conversations"]:
        where = f"{path.name}:{item.get('id')}"
        expect = dict(item.get("expect") or {})
        if set(expect) - EXPECT_KEYS:
            raise ValueError(f"{where}: unknown expect keys {sorted(set(expect) - EXPECT_KEYS)}")
        specs = expect.get("tickets")
        for spec in specs if isinstance(specs, list) else []:
            if isinstance(spec, dict) and set(spec) - TICKET_KEYS:
                raise ValueError(f"{where}: unknown ticket keys {sorted(set(spec) - TICKET_KEYS)}")
        conversations.append(
            Conversation(
                id=str(item["id"]),
                about=str(item["about"]),
                turns=[_turn(t, where) for t in item["turns"]],
                expect=expect,
                staff_on_duty=bool(item.get("staff_on_duty")),
                tags=tuple(item.get("tags") or ()),
                before=tuple(item.get("before") or ()),
            )
        )
    ids = [c.id for c in conversations]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{path.name}: duplicate conversation ids")
    return conversations


def as_param(conversation: Conversation) -> Any:
    return pytest.param(conversation, id=conversation.id)


# --- playing ------------------------------------------------------------------
class Player:
    def __init__(self, engine: DialogueEngine, media: Path) -> None:
        self.chat = Chat(engine, CITIZEN)
        self.media = media

    def play(self, conversation: Conversation, *, check_turns: bool = True) -> Transcript:
        """Play the turns; `check_turns` checks each turn's reply fragments as it goes."""
        transcript = Transcript()
        for spec in conversation.before:
            _file_before(spec)
        if conversation.staff_on_duty:
            _staff_on_duty()
        for turn in conversation.turns:
            offered = [b.title for b in self.chat.offered]
            sent = [_with_number(str(turn[k])) for k in ("say", "caption") if turn.get(k)]
            replies = self._do(turn, sent)
            replies += self.chat.news()
            step = Step(turn, replies, self.chat.render(replies), offered, sent)
            transcript.steps.append(step)
            if check_turns:
                _check_turn(step, transcript)
        return transcript

    def _do(self, turn: dict[str, Any], sent: list[str]) -> list[Outbound]:
        chat = self.chat
        if "say" in turn:
            return chat.say_replies(sent[0])
        if "pin" in turn:
            pin = GeoPoint(float(turn["pin"]["lat"]), float(turn["pin"]["lon"]))
            return chat.send(chat.inbound(location=pin))
        if "photo" in turn or "broken_photo" in turn:
            name = str(turn.get("photo") or turn.get("broken_photo"))
            path = self.media / f"{name}.jpg"
            made = photo(path, name) if "photo" in turn else truncated_jpeg(path, name)
            media = InboundMedia(str(made), "image/jpeg", None)
            return chat.send(chat.inbound(photo=media, text=sent[0] if sent else None))
        if "press" in turn:
            payload = chat.button(str(turn["press"])).payload
            return chat.send(chat.inbound(button_payload=payload))
        _staff_action(str(turn["staff"]), turn.get("note"))
        return []


def _with_number(line: str) -> str:
    """`{nomor}` in a typed line: the number of the citizen's latest ticket."""
    if "{nomor}" not in line:
        return line
    with transaction() as session:
        tickets = own_tickets(session)
        assert tickets, f"{line!r} names a ticket, but none was filed"
        return line.replace("{nomor}", tickets[-1].number)


def _staff_on_duty() -> None:
    """An admin with a chat contact: someone who can answer a handoff request."""
    with transaction() as session:
        factories.staff(session=session, role=StaffRole.ADMIN)


def _file_before(spec: dict[str, Any]) -> None:
    """A report another citizen filed earlier."""
    with transaction() as session:
        factories.ticket(
            session=session, category=spec["category"], description=spec["description"],
            latitude=float(spec["pin"]["lat"]), longitude=float(spec["pin"]["lon"]),
            region=spec.get("region"),
        )  # fmt: skip


def _staff_action(target: str, note: str | None) -> None:
    """What staff do with the citizen's latest ticket between two messages."""
    with transaction() as session:
        ticket = own_tickets(session)[-1]
        admin = factories.staff(session=session, role=StaffRole.ADMIN, contacts=())
        note = note or "Sudah ditindaklanjuti petugas"
        request = Request(agency=ticket.suggested_agency_code or "dlh", reason=note, note=note)
        for action in STAFF_PATHS[target]:
            perform(session=session, ticket=ticket, action=action, actor=admin, request=request)


def own_tickets(session: Session) -> list[Ticket]:
    citizen = find_citizen(session=session, channel="console", user_key=CITIZEN)
    if citizen is None:
        return []
    rows = session.scalars(select(Ticket).where(Ticket.citizen_id == citizen.id))
    return sorted(rows, key=lambda t: t.id)


# --- checking -----------------------------------------------------------------
def fold(value: str) -> str:
    """Compare texts as a reader would: case and runs of white space do not matter."""
    return " ".join(value.casefold().split())


def _contains(haystack: str, fragment: Any) -> bool:
    return fold(str(fragment)) in fold(haystack)


def _check_turn(step: Step, transcript: Transcript) -> None:
    for fragment in step.turn.get("reply") or ():
        fragment = _with_number(str(fragment))
        assert _contains(step.text, fragment), (
            f"reply to {_describe(step.turn)!r} lacks {fragment!r}\n{transcript}"
        )
    for fragment in step.turn.get("not") or ():
        assert not _contains(step.text, fragment), (
            f"reply to {_describe(step.turn)!r} has {fragment!r}\n{transcript}"
        )


def ticket_texts(session: Session, ticket: Ticket) -> str:
    """Every text the ticket holds: its own text columns (description, typed
    address, ...) and its events' notes and data."""
    row = session.execute(
        text("SELECT * FROM ticket WHERE id = :id"), {"id": ticket.id}
    ).mappings().one()  # fmt: skip
    parts = [str(v) for v in row.values() if isinstance(v, str)]
    for event in ticket.events:
        parts.append(event.note or "")
        parts.append(json.dumps(event.data or {}, ensure_ascii=False))
    return "\n".join(parts)


def _location_source(ticket: Ticket) -> str | None:
    # The column that says how the location was obtained (issue 14, finding 1).
    return getattr(ticket, "location_source", None)


def _check_ticket(session: Session, ticket: Ticket, spec: dict[str, Any], where: str) -> None:
    if "category" in spec:
        assert ticket.category == spec["category"], f"{where}: category {ticket.category}"
    for fragment in spec.get("description") or ():
        assert _contains(ticket.description, fragment), (
            f"{where}: description {ticket.description!r} lacks {fragment!r}"
        )
    for fragment in spec.get("not_in_description") or ():
        assert not _contains(ticket.description, fragment), (
            f"{where}: description {ticket.description!r} has {fragment!r}"
        )
    if "location" in spec:
        source = _location_source(ticket)
        assert source == spec["location"], f"{where}: location source {source!r}"
    if "region" in spec:
        assert ticket.region_code == spec["region"], f"{where}: region {ticket.region_code}"
    if "photos" in spec:
        assert len(ticket.attachments) == spec["photos"], (
            f"{where}: {len(ticket.attachments)} photos"
        )
    for key in ("confidential", "status", "rating"):
        if key in spec:
            assert getattr(ticket, key) == spec[key], f"{where}: {key} {getattr(ticket, key)!r}"
    if "open" in spec:
        assert is_open(ticket.status) == spec["open"], f"{where}: status {ticket.status}"
    texts = ticket_texts(session, ticket)
    for fragment in spec.get("notes") or ():
        assert _contains(texts, fragment), f"{where}: no {fragment!r} in the ticket or its events"


def _handoff_requests(session: Session) -> int:
    """Rows of the handoff-request table (issue 14, finding 8), whatever it is named."""
    names = [n for n in inspect(session.connection()).get_table_names() if "handoff" in n]
    return sum(
        session.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one() for name in names
    )


def _faq_answered(transcript: Transcript, topic_id: str) -> bool:
    topic = get_topic(topic_id)
    if topic is None:
        raise ValueError(f"unknown FAQ topic {topic_id!r}")
    payload = detail_payload(topic)
    for step in transcript.steps:
        for reply in step.replies:
            if any(b.payload == payload for b in reply.buttons):
                return True
            if reply.text and _contains(reply.text, topic.title):
                return True
    return False


def check(conversation: Conversation, transcript: Transcript) -> None:
    expect = conversation.expect
    context = f"{conversation.id}: {conversation.about}\n{transcript}"
    for fragment in expect.get("replies") or ():
        assert _contains(transcript.all_text, fragment), f"no reply has {fragment!r}\n{context}"
    for fragment in expect.get("never") or ():
        assert not _contains(transcript.all_text, fragment), f"a reply has {fragment!r}\n{context}"
    for topic_id in expect.get("faq") or ():
        assert _faq_answered(transcript, topic_id), f"FAQ {topic_id} not answered\n{context}"
    with transaction() as session:
        tickets = own_tickets(session)
        wanted = expect.get("tickets", [])
        specs = [{}] * wanted if isinstance(wanted, int) else list(wanted)
        numbers = [f"{t.number} {t.category}" for t in tickets]
        assert len(tickets) == len(specs), f"tickets filed: {numbers}\n{context}"
        for i, (ticket, spec) in enumerate(zip(tickets, specs, strict=True)):
            spec = {"category": spec} if isinstance(spec, str) else spec
            _check_ticket(session, ticket, spec, f"ticket {i + 1}\n{context}\n")
        if "handoff" in expect:
            made = _handoff_requests(session) > 0
            assert made == bool(expect["handoff"]), f"handoff request made: {made}\n{context}"
        if "supports" in expect:
            citizen = find_citizen(session=session, channel="console", user_key=CITIZEN)
            count = 0 if citizen is None else len(session.scalars(
                select(TicketSupporter).where(TicketSupporter.citizen_id == citizen.id)
            ).all())  # fmt: skip
            assert count == expect["supports"], f"supports {count} tickets\n{context}"
