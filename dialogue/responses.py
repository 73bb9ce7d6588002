"""Turns domain responses and action messages into channel-agnostic Outbound messages."""

from __future__ import annotations

import random
import string
from collections.abc import Mapping
from typing import Any

from dialogue.domain import Domain
from dialogue.messages import Button, Outbound, Venue

# Keys rasa_sdk's CollectingDispatcher puts in every message; the rest are template variables.
_DISPATCHER_KEYS = {
    "text",
    "buttons",
    "elements",
    "custom",
    "template",
    "response",
    "image",
    "attachment",
}


class _Vars(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


OPTIONAL_LINE = "?"


def _placeholders(line: str) -> list[str]:
    try:
        return [name for _, name, _, _ in string.Formatter().parse(line) if name]
    except ValueError:
        return []


def fill(template: str, variables: Mapping[str, Any]) -> str:
    """Fill `{name}` placeholders; unknown names become empty, stray braces stay.

    A line that held only placeholders which all came out empty is dropped, so
    optional parts of a response ("{catatan_rahasia}") leave no blank line. A line
    starting with "?" is dropped when any of its placeholders is empty, so a label
    goes with its value ("?Biaya: {biaya}").
    """
    values = _Vars({k: "" if v is None else v for k, v in variables.items()})
    lines = []
    for line in template.split("\n"):
        if line.startswith(OPTIONAL_LINE):
            line = line[len(OPTIONAL_LINE) :]
            if any(not str(values[name]).strip() for name in _placeholders(line)):
                continue
        try:
            filled = string.Formatter().vformat(line, (), values)
        except (ValueError, IndexError):
            filled = line
        if filled.strip() or not line.strip():
            lines.append("\n".join(part.rstrip() for part in filled.split("\n")))
    return "\n".join(lines)


def _buttons(
    raw: list[dict[str, Any]] | None, variables: Mapping[str, Any], *, template: bool
) -> list[Button]:
    """Buttons with filled titles. Payloads are filled only in domain templates, which
    write JSON braces doubled ('/beri_nilai{{"nomor": "{nomor}"}}'); payloads that
    actions send are final."""
    return [
        Button(
            title=fill(str(b["title"]), variables),
            payload=fill(str(b["payload"]), variables) if template else str(b["payload"]),
            short=fill(str(b["short"]), variables) if b.get("short") else None,
        )
        for b in raw or []
    ]


def _apply_custom(out: Outbound, custom: Mapping[str, Any] | None) -> None:
    if not custom:
        return
    if custom.get("request_location"):
        out.request_location = True
    venue = custom.get("venue")
    if venue:
        out.venue = Venue(**venue)


def render_response(
    domain: Domain, name: str, variables: Mapping[str, Any], seed: str = ""
) -> Outbound:
    variations = domain.responses.get(name)
    if not variations:
        raise KeyError(f"response {name!r} is not in the domain (domain/)")
    chosen = random.Random(f"{seed}:{name}").choice(variations)
    out = Outbound(
        text=fill(chosen["text"], variables).strip() if chosen.get("text") else None,
        buttons=_buttons(chosen.get("buttons"), variables, template=True),
        image_path=chosen.get("image"),
    )
    _apply_custom(out, chosen.get("custom"))
    return out


def render_message(
    domain: Domain, message: Mapping[str, Any], slots: Mapping[str, Any], seed: str = ""
) -> Outbound:
    """Render one message from an action (rasa_sdk dispatcher format)."""
    variables = {**slots, **{k: v for k, v in message.items() if k not in _DISPATCHER_KEYS}}
    name = message.get("response") or message.get("template")
    if name:
        out = render_response(domain, name, variables, seed)
    else:
        out = Outbound(text=message.get("text"), image_path=message.get("image"))
    if message.get("buttons"):
        out.buttons = _buttons(message["buttons"], variables, template=False)
    _apply_custom(out, message.get("custom"))
    return out
