"""What a turn writes to the message log: the inbound, the parse and the replies,
with NIK and phone numbers masked."""

from __future__ import annotations

from typing import Any

from dialogue.messages import Inbound, Outbound
from nlu.entities import mask_pii

# Entity values that identify a person; masked wherever messages are logged.
PII_ENTITIES = {"nik", "phone"}


def inbound_dict(inbound: Inbound) -> dict[str, Any]:
    """The inbound message as logged: NIK and phone numbers masked."""
    return {
        "text": None if inbound.text is None else mask_pii(inbound.text),
        "location": None if inbound.location is None else inbound.location.__dict__,
        "photo": None if inbound.photo is None else inbound.photo.__dict__,
        "button_payload": inbound.button_payload,
        "unsupported": inbound.unsupported,
    }


def logged_reply(reply: Outbound) -> dict[str, Any]:
    """A reply as logged: it may echo what the citizen typed (the confirmation
    quotes the description), so its text and button titles are masked too."""
    data = reply.to_dict()
    return {
        **data,
        "text": None if reply.text is None else mask_pii(reply.text),
        "buttons": [{**b, "title": mask_pii(b["title"])} for b in data["buttons"]],
    }


def parse_summary(parse_data: dict[str, Any]) -> dict[str, Any]:
    entities = [
        {**e, "value": mask_pii(str(e.get("value")))} if e.get("entity") in PII_ENTITIES else e
        for e in parse_data.get("entities") or []
    ]
    return {
        "intent": parse_data.get("intent"),
        "full_retrieval_intent": parse_data.get("full_retrieval_intent"),
        "entities": entities,
    }
