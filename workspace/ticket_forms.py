"""The ticket page's forms: the workflow actions, a message to the reporter, and the
search for a merge target.

Each action goes through tickets.workflow.perform (role, scope, status and what
it needs, as for the command line and the chat buttons), in a savepoint, so a
refusal changes nothing and is shown on the page. The form carries the ticket's
version: when someone else changed the ticket since the page was drawn, the
second submit is refused with a clear message and the page shows the change.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import and_, select
from sqlalchemy.orm.exc import StaleDataError
from starlette.datastructures import UploadFile
from starlette.responses import Response

from core.timestamps import utcnow
from tickets.citizen_messages import MessageError, message_citizen
from tickets.media import MediaError, store_photo
from tickets.models import Ticket
from tickets.moderation import ModerationError, set_public
from tickets.privacy import text_for
from tickets.queue_filters import Filters, condition
from tickets.scope import can_view, visible_filter
from tickets.service import get_ticket_by_number
from tickets.statuses import all_statuses
from tickets.workflow import Request, WorkflowError, actions, conflict_error, perform
from workspace.texts import optional, text
from workspace.ticket_page import load_ticket, ticket_context
from workspace.web import PREFIX, Ctx, not_found, page, redirect

MERGE_CANDIDATES = 8


class FormError(Exception):
    """A form the page shows again, with this message."""


def _again(ctx: Ctx, ticket: Ticket, message: str, status_code: int = 409) -> Response:
    ctx.session.refresh(ticket)
    return ctx.render(
        "ticket.html", status_code=status_code, error=message, **ticket_context(ctx, ticket)
    )


def _uploads(ctx: Ctx) -> list[UploadFile]:
    if ctx.form is None:
        return []
    return [f for f in ctx.form.getlist("foto") if isinstance(f, UploadFile) and f.filename]


@contextlib.contextmanager
def _spooled(upload: UploadFile) -> Iterator[Path]:
    """The upload as a file on disk (tickets.media reads a path)."""
    with tempfile.NamedTemporaryFile(prefix="laporin-upload-") as handle:
        upload.file.seek(0)
        while chunk := upload.file.read(1024 * 1024):
            handle.write(chunk)
        handle.flush()
        yield Path(handle.name)


def _store_photos(ctx: Ctx) -> list[int]:
    uploads = _uploads(ctx)
    if len(uploads) > ctx.settings.max_photos_per_report:
        raise FormError(text("errors", "too_many_photos", maks=ctx.settings.max_photos_per_report))
    ids = []
    for upload in uploads:
        try:
            with _spooled(upload) as path:
                stored = store_photo(session=ctx.session, source_path=path, original_name=None)
        except MediaError as error:
            reason = optional("photo_errors", error.code, optional("photo_errors", "media_error"))
            raise FormError(text("errors", "bad_photo", alasan=reason)) from None
        ids.append(stored.id)
    return ids


def _request(ctx: Ctx, action: str) -> Request:
    target = None
    if action == "merge":
        number = ctx.field("target") or ctx.field("target_number")
        target = get_ticket_by_number(session=ctx.session, number=number) if number else None
        if target is None or not can_view(ctx.staff, target):
            raise FormError(text("errors", "no_target"))
    return Request(
        agency=ctx.field("agency") or None,
        region=ctx.field("region") or None,
        reason=ctx.field("reason") or None,
        note=ctx.field("note") or None,
        target=target,
        photo_ids=_store_photos(ctx) if action == "resolve" else [],
        lapor_id=ctx.field("lapor_id") or None,
    )


@page()
def act(ctx: Ctx) -> Response:
    number, action = ctx.request.path_params["number"], ctx.request.path_params["action"]
    ticket = load_ticket(ctx, number)
    if ticket is None:
        return not_found(ctx)
    if action not in actions():
        return _again(ctx, ticket, text("errors", "unknown_action"), 400)
    ctx.session.refresh(ticket, with_for_update=True)
    if ctx.field("version") != str(ticket.version):
        return _again(ctx, ticket, text("errors", "stale"))
    try:
        with ctx.session.begin_nested():
            request = _request(ctx, action)
            perform(
                session=ctx.session, ticket=ticket, action=action, actor=ctx.staff, request=request
            )
    except (FormError, WorkflowError) as error:
        return _again(ctx, ticket, str(error), 400)
    except StaleDataError:
        return _again(ctx, ticket, str(conflict_error(ticket.number)))
    if not can_view(ctx.staff, ticket):  # re-routed away from this user's queue
        return redirect(f"{PREFIX}/", ok=action)
    return redirect(f"{PREFIX}/tiket/{ticket.number}", ok=action)


@page()
def message(ctx: Ctx) -> Response:
    ticket = load_ticket(ctx, ctx.request.path_params["number"])
    if ticket is None:
        return not_found(ctx)
    refusal = ctx.attempt(
        lambda: message_citizen(
            session=ctx.session, ticket=ticket, staff=ctx.staff, text=ctx.field("message")
        ),
        MessageError,
    )
    if refusal is not None:
        return _again(ctx, ticket, str(refusal), 400)
    return redirect(f"{PREFIX}/tiket/{ticket.number}", ok="message")


@page()
def public_part(ctx: Ctx) -> Response:
    """Hide a report's text or a photo from the public pages, or show it again."""
    ticket = load_ticket(ctx, ctx.request.path_params["number"])
    if ticket is None:
        return not_found(ctx)
    raw_photo = ctx.field("photo_id")
    refusal = ctx.attempt(
        lambda: set_public(
            session=ctx.session,
            ticket=ticket,
            staff=ctx.staff,
            part=ctx.field("part"),
            shown=ctx.field("shown") == "1",
            photo_id=int(raw_photo) if raw_photo.isdigit() else None,
        ),
        ModerationError,
    )
    if refusal is not None:
        return _again(ctx, ticket, str(refusal), 400)
    return redirect(f"{PREFIX}/tiket/{ticket.number}", ok="public_changed")


@page()
def merge_candidates(ctx: Ctx) -> Response:
    """Open tickets in the user's scope that the ticket could be merged into: the
    number or words typed (`q`), same category first (an htmx fragment)."""
    ticket = load_ticket(ctx, ctx.request.path_params["number"])
    if ticket is None:
        return not_found(ctx)
    typed = (ctx.request.query_params.get("q") or "").strip()
    open_statuses = [s for s, info in all_statuses().items() if info.open]
    query = (
        select(Ticket)
        .where(
            and_(visible_filter(ctx.staff), condition(Filters(text=typed or None), utcnow())),
            Ticket.status.in_(open_statuses),
            Ticket.id != ticket.id,
        )
        .order_by((Ticket.category == ticket.category).desc(), Ticket.created_at.desc())
        .limit(MERGE_CANDIDATES)
    )
    if not typed:
        query = query.where(Ticket.region_code == ticket.region_code)
    found = [(t, text_for(ctx.staff, t, t.description)[:120]) for t in ctx.session.scalars(query)]
    return ctx.render("_merge_candidates.html", candidates=found, ticket=ticket)
