"""The handoff inbox (/petugas/percakapan): citizens who asked for a person, or whose
question the bot could not answer and forwarded; staff answer here and the
citizen gets the answer in their chat (tickets.handoff: the same rules and
functions as `python -m bot handoff`).
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from dialogue.transcript import recent_messages
from tickets.handoff import ANSWER_ROLES, HandoffError, answer_refusal, close, list_requests, reply
from tickets.handoff_models import HandoffRequest, HandoffStatus
from workspace.web import PREFIX, Ctx, not_found, page, redirect

ROLES = tuple(ANSWER_ROLES)
STATUSES = ("open", "answered", "closed")
TRANSCRIPT = 12


@page(roles=ROLES)
def inbox(ctx: Ctx) -> Response:
    status = ctx.request.query_params.get("status") or "open"
    if status not in STATUSES and status != "semua":
        status = "open"
    requests = list_requests(
        session=ctx.session,
        viewer=ctx.staff,
        limit=100,
        status=None if status == "semua" else status,
    )
    context: dict[str, Any] = {
        "requests": requests,
        "status": status,
        "refresh": ctx.settings.workspace_refresh_seconds,
    }
    if ctx.request.headers.get("HX-Request"):
        return ctx.render("_handoff_list.html", **context)
    return ctx.render("handoff_inbox.html", **context)


def _request(ctx: Ctx) -> HandoffRequest | None:
    request = ctx.session.get(HandoffRequest, ctx.request.path_params["request_id"])
    if request is None or answer_refusal(ctx.staff, request) is not None:
        return None
    return request


def _detail(ctx: Ctx, request: HandoffRequest, error: str | None = None) -> Response:
    transcript = recent_messages(
        session=ctx.session, channel=request.channel, user_key=request.user_key, limit=TRANSCRIPT
    )
    return ctx.render(
        "handoff_detail.html",
        status_code=400 if error else 200,
        handoff=request,
        transcript=transcript,
        error=error,
        closed=HandoffStatus.CLOSED,
    )


@page(roles=ROLES)
def detail(ctx: Ctx) -> Response:
    request = _request(ctx)
    return not_found(ctx) if request is None else _detail(ctx, request)


@page(roles=ROLES)
def answer(ctx: Ctx) -> Response:
    request = _request(ctx)
    if request is None:
        return not_found(ctx)
    refusal = ctx.attempt(
        lambda: reply(
            session=ctx.session,
            request_id=request.id,
            staff=ctx.staff,
            text=ctx.field("text"),
            close=ctx.field("close") == "1",
        ),
        HandoffError,
    )
    if refusal is not None:
        ctx.session.refresh(request)
        return _detail(ctx, request, str(refusal))
    return redirect(f"{PREFIX}/percakapan/{request.id}", ok="answered")


@page(roles=ROLES)
def finish(ctx: Ctx) -> Response:
    request = _request(ctx)
    if request is None:
        return not_found(ctx)
    refusal = ctx.attempt(
        lambda: close(session=ctx.session, request_id=request.id, staff=ctx.staff), HandoffError
    )
    if refusal is not None:
        ctx.session.refresh(request)
        return _detail(ctx, request, str(refusal))
    return redirect(f"{PREFIX}/percakapan/{request.id}", ok="closed")
