"""Admin page for the API keys other systems file reports with (Open311,
/petugas/admin/kunci-api): issue one (shown once, on the page that issued it),
see when each was last used, revoke. The rules are tickets.api_keys' (the same as
`python -m bot open311 create-key | revoke-key`)."""

from __future__ import annotations

from starlette.responses import Response

from tickets.api_keys import ApiKeyError, all_keys, create_key, revoke_key
from workspace.admin_users import ADMIN
from workspace.web import PREFIX, Ctx, page, redirect

BASE = f"{PREFIX}/admin/kunci-api"


def _page(
    ctx: Ctx, *, new_key: str | None = None, error: str | None = None, status_code: int = 200
) -> Response:
    return ctx.render(
        "admin/keys.html",
        status_code=status_code,
        keys=all_keys(session=ctx.session),
        new_key=new_key,
        error=error,
    )


@page(roles=ADMIN)
def keys(ctx: Ctx) -> Response:
    return _page(ctx)


@page(roles=ADMIN)
def key_create(ctx: Ctx) -> Response:
    made: list[str] = []
    refusal = ctx.attempt(
        lambda: made.append(create_key(session=ctx.session, name=ctx.field("name"))[1]),
        ApiKeyError,
    )
    if refusal is not None:
        return _page(ctx, error=str(refusal), status_code=400)
    # Shown on this response only: the database keeps its hash.
    return _page(ctx, new_key=made[0])


@page(roles=ADMIN)
def key_revoke(ctx: Ctx) -> Response:
    refusal = ctx.attempt(
        lambda: revoke_key(session=ctx.session, name=ctx.field("name")), ApiKeyError
    )
    if refusal is not None:
        return _page(ctx, error=str(refusal), status_code=400)
    return redirect(BASE, ok="key_revoked")
