"""GeoReport v2 discovery and services: one service per complaint category
(knowledge/categories.yml), none with extra attributes."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from core.settings import get_settings
from knowledge.categories import all_categories, get_category
from open311.formats import FORMATS, MEDIA_TYPES, error, respond
from open311.texts import TEXTS

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-03T00:00:00+07:00"  # when the services last changed
GROUP = "pengaduan"


def fmt_of(request: Request) -> str | None:
    fmt = str(request.path_params.get("fmt", "")).lower()
    return fmt if fmt in FORMATS else None


def unknown_format(request: Request) -> Response:
    return error("json", 400, TEXTS.text("errors", "format"))


def _service(category: Any) -> dict[str, Any]:
    return {
        "service_code": category.id,
        "service_name": category.label,
        "description": category.label,
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": GROUP,
    }


async def discovery(request: Request) -> Response:
    fmt = fmt_of(request)
    if fmt is None:
        return unknown_format(request)
    base = str(request.base_url).rstrip("/") + "/open311/v2"
    data = {
        "changeset": CHANGESET,
        "contact": TEXTS.text("discovery", "contact"),
        "key_service": f"python -m bot open311 create-key ({get_settings().open311_jurisdiction})",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": [MEDIA_TYPES["xml"].split(";")[0], MEDIA_TYPES["json"].split(";")[0]],
            }
        ],
    }
    return respond(fmt, data, root="discovery")


async def services(request: Request) -> Response:
    fmt = fmt_of(request)
    if fmt is None:
        return unknown_format(request)
    rows = [_service(c) for c in all_categories()]
    return respond(fmt, rows, root="services", item="service")


async def service_definition(request: Request) -> Response:
    fmt = fmt_of(request)
    if fmt is None:
        return unknown_format(request)
    code = str(request.path_params["code"])
    if get_category(code) is None:
        return error(fmt, 404, TEXTS.text("errors", "service_not_found", kode=code))
    return respond(fmt, {"service_code": code, "attributes": []}, root="service_definition")
