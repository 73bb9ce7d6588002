"""The workspace's routes, mounted by the ASGI app (bot/web.py) at /petugas.

Pages (server-rendered), their forms (POST, each with the CSRF token), the
htmx fragments, the photos (checked against the viewer's scope) and the static
files: the workspace's own (workspace/static) and htmx and Leaflet from the npm
registry (workspace/assets/package.json, installed by `make`), served from here,
never from a CDN.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.settings import Settings
from workspace import (
    admin_keys,
    admin_setup,
    admin_users,
    dashboard_page,
    handoff_page,
    login,
    public_pages,
    queue_page,
    sanctions_page,
    ticket_forms,
    ticket_page,
)

HERE = Path(__file__).parent
NODE_MODULES = HERE / "assets" / "node_modules"
ASSETS = {
    "htmx": NODE_MODULES / "htmx.org" / "dist",
    "leaflet": NODE_MODULES / "leaflet" / "dist",
    "markercluster": NODE_MODULES / "leaflet.markercluster" / "dist",
    "chartjs": NODE_MODULES / "chart.js" / "dist",
}


def _tile_origin(settings: Settings) -> str:
    parts = urlsplit(settings.workspace_tile_url.replace("{s}", "a"))
    if not parts.scheme or not parts.netloc:
        return ""
    host = parts.netloc
    if "{s}" in settings.workspace_tile_url:
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"


class SecurityHeaders:
    """Pages only load what the app serves (and the map tiles), in no frame."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        tiles = _tile_origin(settings)
        self.headers = [
            (
                b"content-security-policy",
                (
                    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                    f"img-src 'self' data: {tiles}; connect-src 'self'; frame-ancestors 'none'; "
                    "form-action 'self'; base-uri 'none'"
                ).encode(),
            ),
            (b"x-frame-options", b"DENY"),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.headers]
            await send(message)

        await self.app(scope, receive, with_headers)


def _routes() -> list[BaseRoute]:
    get, post = ["GET"], ["POST"]
    return [
        Route("/", queue_page.queue, methods=get),
        Route("/masuk", login.login_page, methods=get),
        Route("/masuk", login.login_submit, methods=post),
        Route("/keluar", login.logout, methods=post),
        Route("/tiket/{number}", ticket_page.ticket_view, methods=get),
        Route("/tiket/{number}/aksi/{action}", ticket_forms.act, methods=post),
        Route("/tiket/{number}/pesan", ticket_forms.message, methods=post),
        Route("/tiket/{number}/publik", ticket_forms.public_part, methods=post),
        Route("/tiket/{number}/calon-gabung", ticket_forms.merge_candidates, methods=get),
        Route("/foto/{photo_id:int}", ticket_page.photo, methods=get),
        Route("/foto/{photo_id:int}/kecil", ticket_page.thumbnail, methods=get),
        Route("/percakapan", handoff_page.inbox, methods=get),
        Route("/percakapan/{request_id:int}", handoff_page.detail, methods=get),
        Route("/percakapan/{request_id:int}/jawab", handoff_page.answer, methods=post),
        Route("/percakapan/{request_id:int}/tutup", handoff_page.finish, methods=post),
        Route("/admin/pengguna", admin_users.users, methods=get),
        Route("/admin/pengguna", admin_users.user_add, methods=post),
        Route("/admin/pengguna/{user_id:int}", admin_users.user_edit, methods=get),
        Route("/admin/pengguna/{user_id:int}", admin_users.user_update, methods=post),
        Route("/admin/pengguna/{user_id:int}/sandi", admin_users.user_password, methods=post),
        Route("/admin/pengguna/{user_id:int}/aktif", admin_users.user_active, methods=post),
        Route("/admin/templat", admin_setup.templates, methods=get),
        Route("/admin/templat", admin_setup.template_save, methods=post),
        Route("/admin/rujukan", admin_setup.reference, methods=get),
        Route("/admin/rujukan/grup", admin_setup.chat_add, methods=post),
        Route("/admin/rujukan/grup/{chat_id:int}/hapus", admin_setup.chat_remove, methods=post),
        Route("/pimpinan/", dashboard_page.dashboard, methods=get),
        Route("/pimpinan/peta.json", dashboard_page.map_data, methods=get),
        Route("/pimpinan/sanksi", sanctions_page.sanctions, methods=get),
        Route("/pimpinan/sanksi.csv", sanctions_page.sanctions_csv, methods=get),
        Route("/pimpinan/sanksi.xlsx", sanctions_page.sanctions_xlsx, methods=get),
        Route("/admin/kunci-api", admin_keys.keys, methods=get),
        Route("/admin/kunci-api", admin_keys.key_create, methods=post),
        Route("/admin/kunci-api/cabut", admin_keys.key_revoke, methods=post),
        Mount("/statis", StaticFiles(directory=HERE / "static"), name="workspace-static"),
        *(
            Mount(f"/aset/{name}", StaticFiles(directory=path, check_dir=False))
            for name, path in ASSETS.items()
        ),
    ]


def public_mount(settings: Settings) -> Mount:
    """/laporan: the public report pages, no login, with the same security headers."""
    get = ["GET"]
    routes = [
        Route("/", public_pages.map_page, methods=get),
        Route("/peta.json", public_pages.map_data, methods=get),
        Route("/foto/{photo_id:int}", public_pages.photo, methods=get),
        Route("/{number}", public_pages.report_page, methods=get),
    ]
    return Mount(
        "/laporan", routes=routes, middleware=[Middleware(SecurityHeaders, settings=settings)]
    )


def workspace_mount(settings: Settings) -> Mount:
    """/petugas, with its security headers."""
    return Mount(
        "/petugas", routes=_routes(), middleware=[Middleware(SecurityHeaders, settings=settings)]
    )
