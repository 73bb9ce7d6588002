"""Turns an Inbound message into Rasa-shaped parse data for the engine.

Locations, photos and unsupported kinds need no NLU; pressed (or typed) buttons
become their payload; everything else goes through `nlu.parse`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rapidfuzz import fuzz

from dialogue.commands import bare_command_payload, command_payload
from dialogue.messages import (
    INVALID_LOCATION,
    MEDIA_TOO_LARGE,
    MORE_CHOICES_INTENT,
    Inbound,
    more_choices_start,
)
from nlu.config import fallback
from nlu.fallback import Fallback

ParseFn = Callable[[str], dict[str, Any]]

# Longer texts are cut before classification (the full text stays in the message log).
MAX_TEXT_CHARS = 10_000
FALLBACK_INTENT = "nlu_fallback"
# Unsupported kinds with an intent of their own: a bad pin is answered like a pin
# (the location checks say it is not valid), a too large file says so.
MEDIA_TOO_LARGE_INTENT = "media_terlalu_besar"


def _fixed(intent: str, text: str, entities: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "full_retrieval_intent": None,
        "confidence": 1.0,
        "entities": entities or [],
        "intent_ranking": [{"name": intent, "confidence": 1.0}],
    }


def _entity(name: str, value: Any) -> dict[str, Any]:
    return {"entity": name, "value": value, "extractor": "channel"}


def resolve_button(text: str, buttons: list[dict[str, str]]) -> str | None:
    """A typed button number or label (e.g. "1", "ya, kirim") pressed as that button."""
    typed = text.strip().casefold()
    if not typed or not buttons:
        return None
    if typed.isdigit() and 1 <= int(typed) <= len(buttons):
        return buttons[int(typed) - 1]["payload"]
    for button in buttons:
        for title in filter(None, (button["title"], button.get("short"))):
            title = title.casefold()
            if typed == title or fuzz.ratio(typed, title) >= 90:
                return button["payload"]
    return None


def apply_fallback(parse_data: dict[str, Any], rule: Fallback) -> dict[str, Any]:
    if rule.accepts(parse_data):
        return parse_data
    return {
        **parse_data,
        "intent": {"name": FALLBACK_INTENT, "confidence": rule.threshold},
        "full_retrieval_intent": None,
    }


def interpret(
    inbound: Inbound, last_buttons: list[dict[str, str]], parse: ParseFn
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (parse_data, metadata) for one inbound message."""
    metadata: dict[str, Any] = {"channel": inbound.channel, "update_id": inbound.update_id}
    if inbound.sender_phone:
        metadata["sender_phone"] = inbound.sender_phone
    if inbound.unsupported == INVALID_LOCATION:
        metadata["unsupported"] = inbound.unsupported
        return _fixed("kirim_lokasi", "/kirim_lokasi"), metadata
    if inbound.unsupported == MEDIA_TOO_LARGE:
        metadata["unsupported"] = inbound.unsupported
        return _fixed(MEDIA_TOO_LARGE_INTENT, ""), metadata
    if inbound.unsupported:
        metadata["unsupported"] = inbound.unsupported
        return _fixed("tidak_didukung", ""), metadata
    if inbound.shared_phone:
        entities = [_entity("phone", inbound.shared_phone)]
        return _fixed("kirim_kontak", "/kirim_kontak", entities), metadata
    if inbound.location is not None:
        loc = inbound.location
        entities = [_entity("latitude", loc.latitude), _entity("longitude", loc.longitude)]
        return _fixed("kirim_lokasi", "/kirim_lokasi", entities), metadata
    if inbound.photo is not None:
        metadata["photo"] = {
            "path": inbound.photo.path,
            "mime_type": inbound.photo.mime_type,
            "file_name": inbound.photo.file_name,
        }
        if inbound.more_follow:
            metadata["more_follow"] = True
        return _fixed("kirim_foto", inbound.text or "/kirim_foto"), metadata

    text = (inbound.text or "")[:MAX_TEXT_CHARS]
    # A menu command means the same on every channel; a typed button label wins
    # over a bare command word.
    payload = (
        inbound.button_payload
        or command_payload(text.strip())
        or resolve_button(text, last_buttons)
        or bare_command_payload(text)
    )
    if payload:
        metadata["button"] = payload
        start = more_choices_start(payload)
        if start is not None:
            return _fixed(MORE_CHOICES_INTENT, payload, [_entity("start", start)]), metadata
        return parse(payload), metadata
    if not text.strip():
        return _fixed("out_of_scope", text), metadata
    return apply_fallback(parse(text), fallback()), metadata
