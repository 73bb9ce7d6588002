"""Jinja2 for the workspace: the template folder, autoescaping, the filters pages use.

Every value a citizen wrote reaches a page through autoescaping (no `|safe` on
their text anywhere); the filters turn codes into the names staff read.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from core.timestamps import WIB, utcnow
from knowledge.agencies import get_agency
from knowledge.categories import get_category
from knowledge.regions import get_region
from tickets.statuses import status_label
from workspace.texts import optional, text

TEMPLATES_DIR = Path(__file__).with_name("templates")


def wib(value: datetime | None) -> str:
    return value.astimezone(WIB).strftime("%d-%m-%Y %H.%M") + " WIB" if value else "-"


def due_text(due: datetime | None, now: datetime | None = None) -> tuple[str, str]:
    """The countdown ("sisa 3 jam") and its urgency class: late, soon (under 6
    hours), ok; ("", "") without a running deadline."""
    if due is None:
        return "", ""
    left = due - (now or utcnow())
    if left < timedelta(0):
        hours = int(-left.total_seconds() // 3600)
        if hours >= 24:
            return text("due", "late_days", hari=hours // 24), "late"
        return text("due", "late_hours", jam=max(hours, 1)), "late"
    minutes = int(left.total_seconds() // 60)
    if minutes < 60:
        return text("due", "left_minutes", menit=max(minutes, 1)), "soon"
    hours = minutes // 60
    if hours >= 24:
        return text("due", "left_days", hari=hours // 24, jam=hours % 24), "ok"
    return text("due", "left_hours", jam=hours), "soon" if hours < 6 else "ok"


def category_label(code: str | None) -> str:
    found = get_category(code or "")
    return found.label if found else (code or "-")


def region_name(code: str | None) -> str:
    found = get_region(code or "")
    return found.name if found else (code or "-")


def agency_name(code: str | None) -> str:
    found = get_agency(code or "")
    return found.name if found else (code or "-")


def _logged(message: Any) -> str:
    """A message of a conversation's log as one line of the transcript."""
    if message.kind == "text":
        return str(message.text or "")
    label = text("transcript", message.kind, isi=message.text or "")
    return f"{label} {message.text}" if message.text and message.kind != "button" else label


@cache
def templates() -> Jinja2Templates:
    result = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = result.env
    env.autoescape = True
    env.filters.update(
        wib=wib,
        status=status_label,
        category=category_label,
        region=region_name,
        agency=agency_name,
        role=lambda r: optional("roles", str(r), str(r)),
        action=lambda a: optional("actions", str(a), str(a)),
        event=lambda k: optional("events", str(k), str(k)),
        source=lambda s: optional("location_source", str(s), str(s)),
        handoff=lambda s: optional("handoff_status", str(s), str(s)),
        logged=_logged,
    )
    env.globals.update(due_text=due_text)
    return result


def render(request: Request, name: str, *, status_code: int = 200, **context: Any) -> Response:
    return templates().TemplateResponse(request, name, context, status_code=status_code)
