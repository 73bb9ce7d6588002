"""Response templates: ready texts staff pick for an action, per category or for all.

The defaults come from tickets/response_templates.yml, seeded into an empty table
(`seed_defaults`, run after each migration); from then on the table is what
admins edit in the workspace. A template only fills the form's text field: the
staff member may change it before sending.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core.timestamps import utcnow
from knowledge.categories import get_category
from tickets.staff_models import ResponseTemplate
from tickets.texts import TEXTS

DEFAULTS_FILE = Path(__file__).with_name("response_templates.yml")
ACTIONS = ("reject", "reroute", "progress", "resolve", "message")
MAX_TITLE = 120
MAX_TEXT = 2000


class TemplateError(Exception):
    def __init__(self, code: str, **variables: Any) -> None:
        self.code = code
        super().__init__(TEXTS.text("template_errors", code, **variables))


@dataclass
class TemplateInput:
    action: str
    title: str
    text: str
    category: str | None = None
    active: bool = True


def _checked(data: TemplateInput) -> TemplateInput:
    if data.action not in ACTIONS:
        raise TemplateError("action", aksi=data.action)
    category = data.category or None
    if category is not None and get_category(category) is None:
        raise TemplateError("category", kategori=category)
    title, text = data.title.strip(), data.text.strip()
    if not title or not text:
        raise TemplateError("empty")
    if len(title) > MAX_TITLE or len(text) > MAX_TEXT:
        raise TemplateError("too_long", judul=MAX_TITLE, teks=MAX_TEXT)
    return TemplateInput(data.action, title, text, category, data.active)


def default_templates() -> list[TemplateInput]:
    raw = yaml.safe_load(DEFAULTS_FILE.read_text(encoding="utf-8"))
    return [_checked(TemplateInput(**item)) for item in raw["templates"]]


def seed_defaults(*, session: Session) -> int:
    """The defaults, into an empty table only (admins' edits are never overwritten)."""
    if session.scalar(select(func.count()).select_from(ResponseTemplate)):
        return 0
    defaults = default_templates()
    for item in defaults:
        session.add(
            ResponseTemplate(
                action=item.action,
                category=item.category,
                title=item.title,
                text=item.text,
                active=True,
            )
        )
    session.flush()
    return len(defaults)


def templates_for(*, session: Session, action: str, category: str | None) -> list[ResponseTemplate]:
    """The active templates of `action` for a ticket of `category`: its own first."""
    query = select(ResponseTemplate).where(
        ResponseTemplate.action == action,
        ResponseTemplate.active.is_(True),
        or_(ResponseTemplate.category.is_(None), ResponseTemplate.category == category),
    )
    rows = list(session.scalars(query))
    return sorted(rows, key=lambda t: (t.category is None, t.title))


def all_templates(*, session: Session) -> list[ResponseTemplate]:
    query = select(ResponseTemplate).order_by(
        ResponseTemplate.action, ResponseTemplate.category, ResponseTemplate.title
    )
    return list(session.scalars(query))


def save_template(
    *, session: Session, data: TemplateInput, template_id: int | None = None
) -> ResponseTemplate:
    checked = _checked(data)
    row = session.get(ResponseTemplate, template_id) if template_id is not None else None
    if template_id is not None and row is None:
        raise TemplateError("not_found")
    if row is None:
        row = ResponseTemplate()
        session.add(row)
    row.action, row.category, row.title = checked.action, checked.category, checked.title
    row.text, row.active, row.updated_at = checked.text, checked.active, utcnow()
    session.flush()
    return row
