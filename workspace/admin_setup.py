"""Admin pages for what the routing runs on: response templates (editable), the
agencies, regions and the category -> agency routing table (shown; they change
through knowledge/agencies.yml and knowledge/regions.yml, checked when loaded),
and the staff group chats (added and removed here)."""

from __future__ import annotations

from starlette.responses import Response

from knowledge.agencies import all_agencies, route_for
from knowledge.categories import all_categories
from knowledge.regions import all_regions
from tickets.response_templates import (
    ACTIONS,
    TemplateError,
    TemplateInput,
    all_templates,
    save_template,
)
from tickets.staff_chats import ChatError, add_chat, all_chats, remove_chat
from workspace.admin_users import ADMIN
from workspace.texts import text
from workspace.web import PREFIX, Ctx, page, redirect

TELEGRAM = "telegram"


def _templates_page(ctx: Ctx, error: str | None = None, status_code: int = 200) -> Response:
    return ctx.render(
        "admin/templates.html",
        status_code=status_code,
        error=error,
        templates=all_templates(session=ctx.session),
        actions=ACTIONS,
        categories=all_categories(),
    )


@page(roles=ADMIN)
def templates(ctx: Ctx) -> Response:
    return _templates_page(ctx)


@page(roles=ADMIN)
def template_save(ctx: Ctx) -> Response:
    raw_id = ctx.field("id")
    data = TemplateInput(
        action=ctx.field("action"),
        title=ctx.field("title"),
        text=ctx.field("text"),
        category=ctx.field("category") or None,
        active=ctx.field("active", "1") == "1",
    )
    template_id = int(raw_id) if raw_id.isdigit() else None
    refusal = ctx.attempt(
        lambda: save_template(session=ctx.session, data=data, template_id=template_id),
        TemplateError,
    )
    if refusal is not None:
        return _templates_page(ctx, str(refusal), 400)
    return redirect(f"{PREFIX}/admin/templat", ok="template_saved")


def _reference_page(ctx: Ctx, error: str | None = None, status_code: int = 200) -> Response:
    routing = [(c, route_for(c.id)) for c in all_categories()]
    return ctx.render(
        "admin/reference.html",
        status_code=status_code,
        error=error,
        routing=routing,
        agencies=all_agencies(),
        regions=all_regions(),
        chats=all_chats(session=ctx.session),
    )


@page(roles=ADMIN)
def reference(ctx: Ctx) -> Response:
    return _reference_page(ctx)


@page(roles=ADMIN)
def chat_add(ctx: Ctx) -> Response:
    refusal = ctx.attempt(
        lambda: add_chat(
            session=ctx.session,
            channel=TELEGRAM,
            chat_key=ctx.field("chat_key"),
            region=ctx.field("region") or None,
            agency=ctx.field("agency") or None,
        ),
        ChatError,
    )
    if isinstance(refusal, ChatError):
        return _reference_page(ctx, text("chat_errors", refusal.code), 400)
    return redirect(f"{PREFIX}/admin/rujukan", ok="chat_added")


@page(roles=ADMIN)
def chat_remove(ctx: Ctx) -> Response:
    raw = ctx.request.path_params["chat_id"]
    remove_chat(session=ctx.session, chat_id=int(raw))
    return redirect(f"{PREFIX}/admin/rujukan", ok="chat_removed")
