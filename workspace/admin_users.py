"""Admin pages for staff accounts (/petugas/admin/pengguna): add, edit role, region
and agency, deactivate, set a new password. The rules are tickets.accounts'
(the same as `python -m bot users ...`)."""

from __future__ import annotations

from sqlalchemy import func, select
from starlette.responses import Response

from knowledge.agencies import all_agencies
from knowledge.regions import all_regions
from tickets.accounts import (
    AccountError,
    Profile,
    add_user,
    set_active,
    set_password,
    update_user,
)
from tickets.enums import StaffRole
from tickets.models import StaffUser
from tickets.staff_models import StaffSession
from workspace.texts import text
from workspace.web import PREFIX, Ctx, not_found, page, redirect

ADMIN = (StaffRole.ADMIN,)
BASE = f"{PREFIX}/admin/pengguna"


def _profile(ctx: Ctx) -> Profile:
    return Profile(
        name=ctx.field("name"),
        role=ctx.field("role"),
        email=ctx.field("email") or None,
        region_code=ctx.field("region") or None,
        agency_code=ctx.field("agency") or None,
    )


def _choices() -> dict[str, object]:
    return {
        "roles": [r.value for r in StaffRole],
        "regions": all_regions(),
        "agencies": all_agencies(),
    }


def _list(ctx: Ctx, error: str | None = None, status_code: int = 200) -> Response:
    users = list(
        ctx.session.scalars(select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.name))
    )
    return ctx.render(
        "admin/users.html",
        status_code=status_code,
        users=users,
        error=error,
        form=ctx.form,
        **_choices(),
    )


@page(roles=ADMIN)
def users(ctx: Ctx) -> Response:
    return _list(ctx)


@page(roles=ADMIN)
def user_add(ctx: Ctx) -> Response:
    password = ctx.field("password") or None
    added: list[StaffUser] = []
    refusal = ctx.attempt(
        lambda: added.append(
            add_user(session=ctx.session, profile=_profile(ctx), password=password)
        ),
        AccountError,
    )
    if refusal is not None:
        return _list(ctx, str(refusal), 400)
    return redirect(f"{BASE}/{added[0].id}", ok="user_saved")


def _edit(ctx: Ctx, user: StaffUser, error: str | None = None, status_code: int = 200) -> Response:
    sessions = ctx.session.scalar(
        select(func.count())
        .select_from(StaffSession)
        .where(StaffSession.staff_id == user.id, StaffSession.revoked_at.is_(None))
    )
    return ctx.render(
        "admin/user_edit.html",
        status_code=status_code,
        user=user,
        error=error,
        open_sessions=sessions,
        **_choices(),
    )


def _user(ctx: Ctx) -> StaffUser | None:
    return ctx.session.get(StaffUser, ctx.request.path_params["user_id"])


@page(roles=ADMIN)
def user_edit(ctx: Ctx) -> Response:
    user = _user(ctx)
    return not_found(ctx) if user is None else _edit(ctx, user)


@page(roles=ADMIN)
def user_update(ctx: Ctx) -> Response:
    user = _user(ctx)
    if user is None:
        return not_found(ctx)
    refusal = ctx.attempt(
        lambda: update_user(session=ctx.session, user=user, profile=_profile(ctx)), AccountError
    )
    if refusal is not None:
        ctx.session.refresh(user)
        return _edit(ctx, user, str(refusal), 400)
    return redirect(f"{BASE}/{user.id}", ok="user_saved")


@page(roles=ADMIN)
def user_password(ctx: Ctx) -> Response:
    user = _user(ctx)
    if user is None:
        return not_found(ctx)
    password = ctx.form.get("password") if ctx.form else None
    again = ctx.form.get("password2") if ctx.form else None
    if not isinstance(password, str) or password != again:
        return _edit(ctx, user, text("errors", "passwords_differ"), 400)
    refusal = ctx.attempt(
        lambda: set_password(session=ctx.session, user=user, password=password), AccountError
    )
    if refusal is not None:
        return _edit(ctx, user, str(refusal), 400)
    if user.id == ctx.staff.id:  # their own sessions ended, this one too
        return redirect(f"{PREFIX}/masuk")
    return redirect(f"{BASE}/{user.id}", ok="password_set")


@page(roles=ADMIN)
def user_active(ctx: Ctx) -> Response:
    user = _user(ctx)
    if user is None:
        return not_found(ctx)
    active = ctx.field("active") == "1"
    refusal = ctx.attempt(
        lambda: set_active(session=ctx.session, user=user, active=active), AccountError
    )
    if refusal is not None:
        return _edit(ctx, user, str(refusal), 400)
    return redirect(f"{BASE}/{user.id}", ok="activated" if active else "deactivated")
