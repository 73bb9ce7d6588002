"""Logging in and out of the workspace (/petugas/masuk, /petugas/keluar).

The login form has its own CSRF token (a cookie and the same value in the form),
since there is no session yet to hold one. A failed login is recorded for the
rate limit in the same transaction that answers it (tickets.accounts.authenticate).
"""

from __future__ import annotations

import hmac
import secrets

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from core.db import transaction
from core.settings import get_settings
from tickets.accounts import AccountError, authenticate
from tickets.staff_sessions import open_session, revoke
from workspace.render import render
from workspace.texts import text
from workspace.web import COOKIE, PREFIX, Ctx, client_address, page, redirect

LOGIN_CSRF_COOKIE = "laporin_masuk"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or get_settings().workspace_cookie_secure


def _safe_next(target: str | None) -> str:
    """Only a workspace path: never another site (//evil.example, https://...)."""
    if target and target.startswith(f"{PREFIX}/") and not target.startswith("//"):
        return target
    return f"{PREFIX}/"


def _form(
    request: Request, *, error: str | None = None, email: str = "", status_code: int = 200
) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        status_code=status_code,
        error=error,
        email=email,
        login_csrf=token,
        lanjut=_safe_next(request.query_params.get("lanjut")),
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path=f"{PREFIX}/masuk",
        max_age=3600,
    )
    return response


async def login_page(request: Request) -> Response:
    return _form(request)


def _login(request: Request, email: str, password: str) -> tuple[str | None, str | None]:
    """(the new session's token, None) or (None, the refusal)."""
    with transaction() as session:
        try:
            staff = authenticate(
                session=session, email=email, password=password, client=client_address(request)
            )
        except AccountError as error:
            return None, str(error)
        token, _ = open_session(
            session=session, staff_id=staff.id, user_agent=request.headers.get("user-agent")
        )
        return token, None


async def login_submit(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=10, max_part_size=4096)
    email, password = str(form.get("email") or ""), str(form.get("password") or "")
    sent, expected = str(form.get("csrf") or ""), request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(sent, expected):
        return _form(request, error=text("errors", "csrf"), email=email, status_code=403)
    token, refusal = await run_in_threadpool(_login, request, email, password)
    if token is None:
        return _form(request, error=refusal, email=email, status_code=401)
    response = redirect(_safe_next(str(form.get("lanjut") or "")))
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path=f"{PREFIX}/",
        max_age=get_settings().workspace_session_max_hours * 3600,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=f"{PREFIX}/masuk")
    return response


@page()
def logout(ctx: Ctx) -> Response:
    revoke(session=ctx.session, session_id=ctx.login.id)
    response = redirect(f"{PREFIX}/masuk")
    response.delete_cookie(COOKIE, path=f"{PREFIX}/")
    return response
