"""How a workspace page runs: the login, the role check, CSRF, one transaction.

`page(...)` wraps a plain function of a `Ctx`: the form is read (async), then the
function runs in a worker thread inside one database transaction, with the
logged-in staff member; no page reaches its function without a live session.
Every POST must carry the session's CSRF token (the forms' hidden `csrf` field,
or htmx's X-CSRF-Token header); without it the request is refused before the
function runs.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from core.db import transaction
from core.settings import Settings, get_settings
from tickets.enums import StaffRole
from tickets.handoff import ANSWER_ROLES
from tickets.models import StaffUser
from tickets.staff_models import StaffSession
from tickets.staff_sessions import find_session
from workspace.render import render
from workspace.texts import optional, text

COOKIE = "laporin_sesi"
# Sent by the lists that reload themselves (htmx polling): not the user's activity.
REFRESH_HEADER = "X-Laporin-Refresh"
# Who sees the oversight pages (the sanctions list): leaders, admins, coordinators.
OVERSIGHT = (StaffRole.LEADER, StaffRole.ADMIN, StaffRole.COORDINATOR)
PREFIX = "/petugas"
MAX_FORM_FIELDS = 200
MAX_UPLOADS = 5
MAX_PART_BYTES = 1024 * 1024  # a text field; files are bounded by max_photo_bytes


@dataclass
class Ctx:
    request: Request
    session: Session
    staff: StaffUser
    login: StaffSession
    form: FormData | None
    settings: Settings

    def field(self, name: str, default: str = "") -> str:
        value = self.form.get(name) if self.form is not None else None
        return value.strip() if isinstance(value, str) else default

    def attempt(self, change: Callable[[], object], *refusals: type[Exception]) -> Exception | None:
        """`change()` in a savepoint: None when it went through, else the refusal it
        raised (one of `refusals`), with nothing of it kept, for the page to show."""
        try:
            with self.session.begin_nested():
                change()
        except refusals as error:
            return error
        return None

    def render(self, template: str, status_code: int = 200, **context: Any) -> Response:
        """`template` with the user, the CSRF token, the notice of `?ok=` and the
        menu the user's role has (the inbox: those tickets.handoff lets answer)."""
        done = self.request.query_params.get("ok")
        context.setdefault("ok", optional("done", done) if done else None)
        return render(
            self.request,
            template,
            status_code=status_code,
            staff=self.staff,
            csrf=self.login.csrf_token,
            menu_inbox=self.staff.role in ANSWER_ROLES,
            menu_admin=self.staff.role == StaffRole.ADMIN,
            menu_oversight=self.staff.role in OVERSIGHT,
            **context,
        )


Handler = Callable[[Ctx], Response]


def login_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"{PREFIX}/masuk?lanjut={quote(target)}"


def to_login(request: Request) -> Response:
    if request.headers.get("HX-Request"):  # htmx follows this header, not a 303
        return Response(status_code=401, headers={"HX-Redirect": login_url(request)})
    return RedirectResponse(login_url(request), status_code=303)


def redirect(path: str, **query: str) -> Response:
    if query:
        path += "?" + "&".join(f"{k}={quote(v)}" for k, v in query.items())
    return RedirectResponse(path, status_code=303)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _csrf_ok(request: Request, form: FormData | None, login: StaffSession) -> bool:
    sent = request.headers.get("X-CSRF-Token") or (form.get("csrf") if form else None)
    return isinstance(sent, str) and hmac.compare_digest(sent, login.csrf_token)


def _run(
    handler: Handler, request: Request, form: FormData | None, roles: Collection[str] | None
) -> Response:
    settings = get_settings()
    with transaction() as session:
        login = find_session(
            session=session,
            token=request.cookies.get(COOKIE, ""),
            touch=request.headers.get(REFRESH_HEADER) != "1",
        )
        if login is None:
            return to_login(request)
        staff = login.staff
        ctx = Ctx(request, session, staff, login, form, settings)
        if request.method == "POST" and not _csrf_ok(request, form, login):
            return ctx.render("error.html", status_code=403, message=text("errors", "csrf"))
        if roles is not None and staff.role not in roles:
            return ctx.render("error.html", status_code=403, message=text("errors", "forbidden"))
        return handler(ctx)


def page(*, roles: Collection[str] | None = None) -> Callable[[Handler], Any]:
    """A route endpoint running `handler` for a logged-in user of `roles` (None: any)."""

    def wrap(handler: Handler) -> Any:
        async def endpoint(request: Request) -> Response:
            form = None
            if request.method == "POST":
                form = await request.form(
                    max_files=MAX_UPLOADS, max_fields=MAX_FORM_FIELDS, max_part_size=MAX_PART_BYTES
                )
            try:
                return await run_in_threadpool(_run, handler, request, form, roles)
            finally:
                if form is not None:
                    await form.close()

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        return endpoint

    return wrap


def not_found(ctx: Ctx) -> Response:
    return ctx.render("error.html", status_code=404, message=text("errors", "not_found"))
