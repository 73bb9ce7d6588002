"""GeoReport v2's two formats: JSON (arrays of objects) and XML (a root element, one
child per item), both UTF-8; dates in ISO 8601 with the zone (WIB, +07:00); and its
error shape ([{"code", "description"}] / <errors><error>...)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from xml.etree import ElementTree

from starlette.responses import Response

from core.timestamps import WIB

JSON, XML = "json", "xml"
FORMATS = (JSON, XML)
MEDIA_TYPES = {JSON: "application/json; charset=utf-8", XML: "text/xml; charset=utf-8"}
# XML names for the items of a list (GeoReport's plural wrappers).
SINGULAR = {
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


def timestamp(value: datetime | None) -> str | None:
    return value.astimezone(WIB).isoformat(timespec="seconds") if value else None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _element(parent: ElementTree.Element, tag: str, value: Any) -> None:
    node = ElementTree.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, inner in value.items():
            _element(node, key, inner)
    elif isinstance(value, list):
        for inner in value:
            _element(node, SINGULAR.get(tag, "item"), inner)
    elif value is not None:
        node.text = _text(value)


def xml_document(root: str, item: str | None, data: Any) -> bytes:
    """`data` under `root`: a list as `item` children, a dict as fields of the root."""
    top = ElementTree.Element(root)
    if isinstance(data, list):
        for row in data:
            _element(top, item or "item", row)
    else:
        for key, value in data.items():
            _element(top, key, value)
    return ElementTree.tostring(top, encoding="utf-8", xml_declaration=True)


def respond(
    fmt: str, data: Any, *, root: str, item: str | None = None, status_code: int = 200
) -> Response:
    if fmt == XML:
        body = xml_document(root, item, data)
    else:
        body = json.dumps(data, ensure_ascii=False).encode()
    return Response(body, status_code=status_code, media_type=MEDIA_TYPES[fmt])


def error(fmt: str, status_code: int, description: str) -> Response:
    rows = [{"code": status_code, "description": description}]
    return respond(
        fmt if fmt in FORMATS else JSON, rows, root="errors", item="error", status_code=status_code
    )
