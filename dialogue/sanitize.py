"""Hygiene at the edge: what a channel hands over is cleaned before the engine reads it.

- Control characters go: C0 but "\\n" and "\\t", DEL, C1, NUL (PostgreSQL refuses it
  in text), whole ANSI escape sequences (they would recolour or move the cursor of
  an operator's terminal) and the bidi overrides and isolates U+202A-202E and
  U+2066-2069 (they make text display in an order other than the one stored).
- A location that is not a finite latitude/longitude in range is no location: it
  becomes INVALID_LOCATION, answered with "koordinat tidak valid" (a NaN would also
  make the JSON columns fail on PostgreSQL).
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

from dialogue.messages import INVALID_LOCATION, GeoPoint, Inbound, InboundMedia

_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, erasing
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC (window title, hyperlink) to BEL or ST
    r"|\x1b[@-_]"  # the other two-character escapes
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)


def clean_text(text: str) -> str:
    """`text` without control characters, escape sequences and bidi controls."""
    return _CONTROL.sub("", text)


def _clean(text: str | None) -> str | None:
    return None if text is None else clean_text(text)


def location_valid(point: GeoPoint) -> bool:
    """Finite numbers with -90 <= latitude <= 90 and -180 <= longitude <= 180."""
    values = (point.latitude, point.longitude)
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return False
    if not all(math.isfinite(v) for v in values):
        return False
    return -90.0 <= point.latitude <= 90.0 and -180.0 <= point.longitude <= 180.0


def sanitize_inbound(inbound: Inbound) -> Inbound:
    """The same message with clean texts and a usable location (or INVALID_LOCATION)."""
    photo = inbound.photo
    if photo is not None:
        photo = InboundMedia(photo.path, _clean(photo.mime_type), _clean(photo.file_name))
    cleaned = replace(
        inbound,
        text=_clean(inbound.text),
        display_name=_clean(inbound.display_name),
        button_payload=_clean(inbound.button_payload),
        shared_phone=_clean(inbound.shared_phone),
        photo=photo,
    )
    if cleaned.location is not None and not location_valid(cleaned.location):
        cleaned = replace(cleaned, location=None, unsupported=INVALID_LOCATION)
    return cleaned
