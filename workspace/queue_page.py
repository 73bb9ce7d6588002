"""The queue (/petugas/): the tickets the user may see, newest first, with the most
urgent above them; filters, keyset pages, and a fragment htmx reloads every
`workspace_refresh_seconds`, so new tickets appear without a reload.

What a user sees is tickets.scope.visible_filter: the same rule as the command
line and the chat buttons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import and_
from starlette.responses import Response

from core.timestamps import utcnow
from knowledge.agencies import all_agencies
from knowledge.categories import all_categories
from knowledge.regions import all_regions
from tickets.privacy import text_for
from tickets.queue import QueueRow, queue_page
from tickets.queue_filters import Filters, condition, first_photos, urgent_rows
from tickets.scope import visible_filter
from tickets.statuses import all_statuses
from workspace.render import due_text
from workspace.texts import text
from workspace.web import Ctx, page

PAGE_SIZE = 20
SNIPPET = 140
# The status filter's choices beyond one status.
OPEN = "terbuka"
ALL = "semua"


@dataclass
class Row:
    row: QueueRow
    snippet: str
    photo_id: int | None
    due: tuple[str, str] = field(default=("", ""))


def _statuses(choice: str) -> list[str] | None:
    statuses = all_statuses()
    if choice == ALL:
        return None
    if choice in statuses:
        return [choice]
    return [s for s, info in statuses.items() if info.open]


def _filters(ctx: Ctx) -> Filters:
    query = ctx.request.query_params
    return Filters(
        category=query.get("kategori") or None,
        region=query.get("wilayah") or None,
        agency=query.get("instansi") or None,
        overdue=query.get("terlambat") == "1",
        text=(query.get("q") or "").strip() or None,
    )


def _rows(ctx: Ctx, items: list[QueueRow], now: Any) -> list[Row]:
    photos = first_photos(session=ctx.session, ticket_ids=[r.id for r in items])
    rows = []
    for item in items:
        snippet = text_for(ctx.staff, item, item.description)
        if len(snippet) > SNIPPET:
            snippet = snippet[: SNIPPET - 1].rstrip() + "…"
        rows.append(Row(item, snippet, photos.get(item.id), due_text(item.due_at, now)))
    return rows


@page()
def queue(ctx: Ctx) -> Response:
    """The queue page; with HX-Request only its list (the periodic refresh)."""
    params = ctx.request.query_params
    now = utcnow()
    filters = _filters(ctx)
    status_choice = params.get("status") or OPEN
    where = and_(visible_filter(ctx.staff), condition(filters, now))
    notice = None
    try:
        result = queue_page(
            session=ctx.session,
            where=where,
            status=_statuses(status_choice),
            after=params.get("setelah") or None,
            limit=PAGE_SIZE,
            oldest_first=params.get("urut") == "lama",
        )
    except ValueError:
        notice = text("errors", "bad_cursor")
        result = queue_page(
            session=ctx.session, where=where, status=_statuses(status_choice), limit=PAGE_SIZE
        )
    first_page = not params.get("setelah")
    urgent = urgent_rows(session=ctx.session, where=where, now=now) if first_page else []
    context: dict[str, Any] = {
        "rows": _rows(ctx, result.items, now),
        "urgent": _rows(ctx, urgent, now),
        "next_cursor": result.next,
        "first_page": first_page,
        "filters": filters,
        "status_choice": status_choice,
        "sort": params.get("urut") or "baru",
        "query_string": _query_without_cursor(params),
        "notice": notice,
        "refresh": ctx.settings.workspace_refresh_seconds,
    }
    if ctx.request.headers.get("HX-Request"):
        return ctx.render("_queue_list.html", **context)
    return ctx.render(
        "queue.html",
        statuses=all_statuses(),
        categories=all_categories(),
        regions=all_regions(),
        agencies=all_agencies(),
        **context,
    )


def _query_without_cursor(params: Any) -> str:
    return urlencode([(k, v) for k, v in params.multi_items() if k not in ("setelah", "ok")])
