"""A local fake of Meta's WhatsApp Cloud API (Graph API) that checks every request.

Serve `FakeGraph().app` (ASGI) to the client under test, e.g.
``httpx.AsyncClient(transport=httpx.ASGITransport(app=fake.app), base_url=fake.base_url)``
(or starlette's ``TestClient(fake.app, base_url=fake.base_url)`` for synchronous code).
A request Meta would refuse gets Meta's error envelope *and* a line in
`fake.violations`, so a test can end with ``assert fake.violations == []``. Errors
that are not the client's fault (`fail_next`, a closed 24-hour window) are answered
the same way but only listed in `fake.rejections`.

Limits enforced, from Meta's developer documentation (developers.facebook.com/docs/
whatsapp/cloud-api/..., pages named in brackets):

- text: body 1..4096 characters, optional boolean preview_url [messages/text-messages].
- interactive "button": body 1..1024; 1..3 buttons {"type": "reply", "reply": {id, title}};
  id 1..256 without leading/trailing spaces, title 1..20, both unique; optional header
  (text 1..60, or image/video/document media) and footer 1..60
  [messages/interactive-reply-buttons-messages].
- interactive "list": body 1..4096 (Meta's list page says 4096, unlike buttons);
  action.button 1..20; 1..10 sections; 1..10 rows in all sections together; row id
  1..200 and unique, row title 1..24, row description <= 72; section title <= 24,
  required when there is more than one section; header text only, 1..60; footer 1..60
  [messages/interactive-list-messages].
- interactive "location_request_message": body 1..1024, action exactly
  {"name": "send_location"}; Meta shows no header or footer, so they are refused
  [guides/send-messages/location-request-messages].
- location: numeric latitude (-90..90) and longitude (-180..180); optional name and
  address strings [messages/location-messages].
- image: exactly one of id (a JPEG/PNG uploaded here) or link (http/https URL);
  caption <= 1024 [messages/image-messages].
- template: approved name in the requested language code (else 132001, HTTP 404), the
  approved number of body parameters (else 132000), each {"type": "text", "text": ...}
  non-empty and without new-line, tab or more than 4 consecutive spaces (else 132018)
  [support/error-codes; the 132018 details text is what Meta answers]. A template
  approved with quick-reply buttons (at most 10) takes button components {"type":
  "button", "sub_type": "quick_reply", "index": "0".., "parameters": [{"type":
  "payload", "payload": ...}]}, one per button index at most; a tap comes back as a
  "button" message with that payload and the button's text
  [guides/send-message-templates; webhooks: messages "button"].
- to: digits with an optional leading "+" (Meta's examples send "+16505551234" and
  answer wa_id "16505551234"); recipient_type, if present, "individual"; a missing
  "type" means "text", as the messages reference documents; unknown keys are refused.
- mark as read: {"messaging_product", "status": "read", "message_id"} plus optional
  "typing_indicator": {"type": "text"}; answers {"success": true} [typing-indicators].
- media [reference/media]: upload is multipart with messaging_product=whatsapp, a file
  part and the MIME type in a "type" field or the file part's Content-Type; only Meta's
  supported types and sizes (image/jpeg, image/png <= 5 MB, image/webp <= 500 KB, audio and
  video <= 16 MB, documents <= 100 MB); JPEG/PNG/WebP content must match its type (Meta
  answers 131053). GET /{media-id} answers messaging_product, url, mime_type, sha256,
  file_size, id; the url needs the same bearer token.

Message types Meta has but Laporin does not send (audio, video, documents, stickers,
reactions, contacts, groups) are refused as unsupported *by this fake*.

`delay` (seconds, default 0) holds every answer that long, as the round trip to
Meta's servers would (the load benchmark uses 150 ms).
"""

from __future__ import annotations

import asyncio
import base64
import email.parser
import email.policy
import hashlib
import itertools
import json
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

JSON = dict[str, Any]

ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]

MAX_TEXT_BODY = 4096
MAX_BUTTON_BODY = 1024
MAX_LIST_BODY = 4096
MAX_LOCATION_REQUEST_BODY = 1024
MAX_HEADER_TEXT = 60
MAX_FOOTER_TEXT = 60
MAX_BUTTONS = 3
MAX_BUTTON_ID = 256
MAX_BUTTON_TITLE = 20
MAX_LIST_BUTTON = 20
MAX_SECTIONS = 10
MAX_ROWS = 10
MAX_ROW_ID = 200
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72
MAX_SECTION_TITLE = 24
MAX_CAPTION = 1024
MAX_OPAQUE_CALLBACK_DATA = 512
MAX_QUICK_REPLIES = 10

MB = 1024 * 1024
# Meta's supported upload types and their size limits (reference/media, "Supported media types").
UPLOAD_LIMITS: dict[str, int] = {
    "image/jpeg": 5 * MB,
    "image/png": 5 * MB,
    "image/webp": 500 * 1024,  # stickers: 100 KB static, 500 KB animated
    "audio/aac": 16 * MB,
    "audio/amr": 16 * MB,
    "audio/mpeg": 16 * MB,
    "audio/mp4": 16 * MB,
    "audio/ogg": 16 * MB,
    "video/mp4": 16 * MB,
    "video/3gpp": 16 * MB,
    "text/plain": 100 * MB,
    "application/pdf": 100 * MB,
    "application/msword": 100 * MB,
    "application/vnd.ms-excel": 100 * MB,
    "application/vnd.ms-powerpoint": 100 * MB,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": 100 * MB,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": 100 * MB,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": 100 * MB,
}
IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})
# Magic numbers, so an upload of (say) a file *path* instead of the file is caught.
MAGIC: dict[str, Callable[[bytes], bool]] = {
    "image/jpeg": lambda data: data.startswith(b"\xff\xd8\xff"),
    "image/png": lambda data: data.startswith(b"\x89PNG\r\n\x1a\n"),
    "image/webp": lambda data: data[:4] == b"RIFF" and data[8:12] == b"WEBP",
}

PHONE = re.compile(r"\+?[0-9]{6,15}")
SUPPORTED_TYPES = ("text", "interactive", "location", "image", "template")
META_ONLY_TYPES = ("audio", "video", "document", "sticker", "reaction", "contacts")
TOP_LEVEL_KEYS = frozenset(
    {"messaging_product", "recipient_type", "to", "type", "context", "biz_opaque_callback_data"}
)

WINDOW_DETAILS = (
    "Message failed to send because more than 24 hours have passed since the customer "
    "last replied to this number."
)
PARAM_FORMAT_DETAILS = (
    "Param text cannot have new-line/tab characters or more than 4 consecutive spaces"
)

# Defaults for `fail_next`: code -> (HTTP status, message, details). The HTTP statuses are
# the ones Meta answers with: 429 for throughput (130429), 400 for the pair limit (131056).
KNOWN_ERRORS: dict[int, tuple[int, str, str | None]] = {
    130429: (429, "(#130429) Rate limit hit", "Cloud API message throughput has been reached."),
    131056: (
        400,
        "(#131056) (Business Account, Consumer Account) pair rate limit hit",
        "Message failed to send because there were too many messages sent from this phone "
        "number to the same phone number in a short period of time.",
    ),
    131026: (400, "(#131026) Message undeliverable", "Message Undeliverable."),
    131047: (400, "(#131047) Re-engagement message", WINDOW_DETAILS),
    131000: (
        500,
        "(#131000) Something went wrong",
        "Message failed to send due to an unknown error.",
    ),
    131016: (503, "(#131016) Service unavailable", "A service is temporarily unavailable."),
    80007: (
        400,
        "(#80007) Rate limit issues",
        "The WhatsApp Business Account has reached its rate limit.",
    ),
    4: (400, "(#4) Application request limit reached", None),
    190: (401, "Error validating access token: Session has expired.", None),
}


def visible_text(payload: JSON) -> str | None:
    """The text a user reads first: a text body or an interactive body, else None."""
    kind = payload.get("type", "text")
    if kind == "text":
        return str(payload["text"]["body"])
    if kind == "interactive":
        return str(payload["interactive"]["body"]["text"])
    return None


@dataclass(frozen=True)
class SentMessage:
    """A message the fake accepted: the id it answered with and the payload as sent."""

    id: str
    payload: JSON
    # time.time() when the fake accepted it (after its delay): what a citizen sees.
    at: float = 0.0

    @property
    def to(self) -> str:
        return str(self.payload["to"])

    @property
    def type(self) -> str:
        return str(self.payload.get("type", "text"))

    @property
    def text(self) -> str | None:
        return visible_text(self.payload)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: str
    json: Any | None  # the parsed JSON body; None when absent or not JSON (uploads)
    headers: dict[str, str]  # lower-case names, as received


@dataclass(frozen=True)
class Rejection:
    """One error answer: every one is listed in `rejections`, the client's faults also in
    `violations`."""

    method: str
    path: str
    http_status: int
    code: int
    message: str
    details: str | None
    violation: bool


@dataclass(frozen=True)
class Media:
    id: str
    data: bytes
    mime_type: str
    uploaded: bool  # True when the client uploaded it, False for `add_media` (an inbound file)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class _Injected:
    code: int
    times: int
    http_status: int
    message: str
    details: str | None


class _GraphError(Exception):
    """Raised inside a handler; becomes Meta's error envelope."""

    def __init__(
        self,
        code: int,
        message: str,
        details: str | None = None,
        *,
        http_status: int = 400,
        error_type: str = "OAuthException",
        subcode: int | None = None,
        violation: bool = True,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details
        self.http_status = http_status
        self.error_type = error_type
        self.subcode = subcode
        self.violation = violation


def _invalid(details: str) -> _GraphError:
    return _GraphError(100, "(#100) Invalid parameter", details)


def _unsupported_request(method: str, node: str) -> _GraphError:
    # Graph's answer for an id that does not exist (or is not ours): code 100, subcode 33.
    return _GraphError(
        100,
        f"Unsupported {method.lower()} request. Object with ID '{node}' does not exist, cannot "
        "be loaded due to missing permissions, or does not support this operation. Please read "
        "the Graph API documentation at https://developers.facebook.com/docs/graph-api",
        http_status=400,
        error_type="GraphMethodException",
        subcode=33,
    )


def new_wamid() -> str:
    """A fresh message id shaped like Meta's: "wamid." and base64 (with "=", "+", "/")."""
    return (
        "wamid." + base64.b64encode(b"\x15\x02\x00\x11\x18\x12" + secrets.token_bytes(26)).decode()
    )


def _fbtrace_id() -> str:
    return "A" + secrets.token_urlsafe(16)[:22]


def _wa_id(to: str) -> str:
    return to.removeprefix("+")


# --- payload checks: each raises _invalid(...) with Meta-style parameter paths ------------


def _object(value: Any, where: str, allowed: Iterable[str], required: Iterable[str] = ()) -> JSON:
    if not isinstance(value, dict):
        raise _invalid(f"{where} must be a JSON object")
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise _invalid(f'Unexpected key "{unknown[0]}" on param "{where}"')
    missing = [key for key in required if key not in value]
    if missing:
        raise _invalid(f"The parameter {where}['{missing[0]}'] is required")
    return value


def _string(value: Any, where: str, *, max_len: int, min_len: int = 1) -> str:
    if not isinstance(value, str):
        raise _invalid(f"{where} must be a string")
    if not min_len <= len(value) <= max_len:
        raise _invalid(f"{where} must be {min_len} to {max_len} characters long, got {len(value)}")
    return value


def _number(value: Any, where: str, low: float, high: float) -> None:
    # bool is an int in Python, never a coordinate.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _invalid(f"{where} must be a number")
    if not low <= value <= high:
        raise _invalid(f"{where} must be between {low} and {high}, got {value}")


def _list(value: Any, where: str, *, low: int, high: int) -> list[Any]:
    if not isinstance(value, list):
        raise _invalid(f"{where} must be an array")
    if not low <= len(value) <= high:
        raise _invalid(f"{where} must have {low} to {high} elements, got {len(value)}")
    return value


def _unique(values: list[str], where: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise _invalid(f'{where} must be unique, "{value}" appears twice')
        seen.add(value)


def _check_text(text: Any) -> None:
    text = _object(text, "text", {"body", "preview_url"}, {"body"})
    _string(text["body"], "text['body']", max_len=MAX_TEXT_BODY)
    if "preview_url" in text and not isinstance(text["preview_url"], bool):
        raise _invalid("text['preview_url'] must be a boolean")


def _check_location(location: Any) -> None:
    location = _object(
        location,
        "location",
        {"latitude", "longitude", "name", "address"},
        {"latitude", "longitude"},
    )
    _number(location["latitude"], "location['latitude']", -90, 90)
    _number(location["longitude"], "location['longitude']", -180, 180)
    for key in ("name", "address"):
        if key in location:
            _string(location[key], f"location['{key}']", max_len=1024, min_len=0)


def _check_buttons(action: JSON) -> None:
    action = _object(action, "interactive['action']", {"buttons"}, {"buttons"})
    buttons = _list(action["buttons"], "interactive['action']['buttons']", low=1, high=MAX_BUTTONS)
    ids, titles = [], []
    for i, button in enumerate(buttons):
        where = f"interactive['action']['buttons'][{i}]"
        button = _object(button, where, {"type", "reply"}, {"type", "reply"})
        if button["type"] != "reply":
            raise _invalid(f"{where}['type'] must be \"reply\", got {button['type']!r}")
        reply = _object(button["reply"], f"{where}['reply']", {"id", "title"}, {"id", "title"})
        button_id = _string(reply["id"], f"{where}['reply']['id']", max_len=MAX_BUTTON_ID)
        if button_id != button_id.strip():
            raise _invalid(f"{where}['reply']['id'] cannot have leading or trailing spaces")
        ids.append(button_id)
        titles.append(
            _string(reply["title"], f"{where}['reply']['title']", max_len=MAX_BUTTON_TITLE)
        )
    _unique(ids, "Button ids")
    _unique(titles, "Button titles")


def _check_list(action: JSON) -> None:
    action = _object(
        action, "interactive['action']", {"button", "sections"}, {"button", "sections"}
    )
    _string(action["button"], "interactive['action']['button']", max_len=MAX_LIST_BUTTON)
    sections = _list(
        action["sections"], "interactive['action']['sections']", low=1, high=MAX_SECTIONS
    )
    row_ids: list[str] = []
    for s, section in enumerate(sections):
        where = f"interactive['action']['sections'][{s}]"
        section = _object(section, where, {"title", "rows"}, {"rows"})
        if "title" in section:
            _string(section["title"], f"{where}['title']", max_len=MAX_SECTION_TITLE)
        elif len(sections) > 1:
            raise _invalid(f"{where}['title'] is required when there is more than one section")
        rows = _list(section["rows"], f"{where}['rows']", low=1, high=MAX_ROWS)
        for r, row in enumerate(rows):
            row_where = f"{where}['rows'][{r}]"
            row = _object(row, row_where, {"id", "title", "description"}, {"id", "title"})
            row_ids.append(_string(row["id"], f"{row_where}['id']", max_len=MAX_ROW_ID))
            _string(row["title"], f"{row_where}['title']", max_len=MAX_ROW_TITLE)
            if "description" in row:
                _string(
                    row["description"],
                    f"{row_where}['description']",
                    max_len=MAX_ROW_DESCRIPTION,
                    min_len=0,
                )
    if len(row_ids) > MAX_ROWS:
        raise _invalid(
            f"A list message can have at most {MAX_ROWS} rows in all, got {len(row_ids)}"
        )
    _unique(row_ids, "Row ids")


def _check_quick_reply(component: JSON, where: str, buttons: int) -> str:
    """One quick-reply button's payload; returns its index."""
    component = _object(
        component, where, {"type", "sub_type", "index", "parameters"},
        {"type", "sub_type", "index", "parameters"},
    )  # fmt: skip
    if component["sub_type"] != "quick_reply":
        raise _invalid(
            f"{where}['sub_type'] must be \"quick_reply\", got {component['sub_type']!r}"
        )
    index = str(component["index"])
    if not index.isdigit() or int(index) >= buttons:
        raise _GraphError(
            132018,
            "(#132018) There's an issue with the parameters in your template",
            f"buttons: the template has {buttons} buttons, there is no button {index}",
        )
    parameters = _list(component["parameters"], f"{where}['parameters']", low=1, high=1)
    parameter = _object(parameters[0], f"{where}['parameters'][0]", {"type", "payload"},
                        {"type", "payload"})  # fmt: skip
    if parameter["type"] != "payload":
        raise _invalid(f'{where}: a quick-reply parameter has type "payload"')
    payload = parameter["payload"]
    if not isinstance(payload, str) or not payload.strip():
        raise _invalid(f"{where}: the payload must be a non-empty string")
    return index


def _check_header(header: Any, kind: str, check_media: Callable[[Any, str], None]) -> None:
    where = "interactive['header']"
    media_types = ("image", "video", "document") if kind == "button" else ()
    header = _object(header, where, {"type", "text", *media_types}, {"type"})
    if header["type"] == "text":
        _object(header, where, {"type", "text"}, {"text"})
        _string(header["text"], f"{where}['text']", max_len=MAX_HEADER_TEXT)
    elif header["type"] in media_types:
        media_type = header["type"]
        _object(header, where, {"type", media_type}, {media_type})
        check_media(header[media_type], f"{where}['{media_type}']")
    else:
        allowed = ", ".join(("text", *media_types))
        raise _invalid(f"{where}['type'] must be one of {{{allowed}}} for a {kind} message")


class FakeGraph:
    """The Graph API endpoints Laporin uses, on an ASGI app in `.app`.

    State a test reads: `sent` (accepted messages, `SentMessage`), `read_receipts`
    (message ids marked read), `requests` (every request), `violations` (one line per
    request Meta would refuse because it is wrong), `rejections` (every error answered,
    including injected ones), `media` (id -> `Media`), `uploads` (ids uploaded by the
    client, in order) and `downloads` (how many media files were downloaded).
    """

    def __init__(
        self,
        *,
        base_url: str = "http://graph.test",
        version: str = "v26.0",
        phone_number_id: str = "109000000000001",
        access_token: str = "test-access-token",
        templates: Mapping[str, tuple[str, int] | tuple[str, int, int]] | None = None,
        delay: float = 0.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.delay = delay
        self.version = version
        self.phone_number_id = phone_number_id
        self.access_token = access_token
        # Approved template name -> (language code, number of body parameters[, number
        # of quick-reply buttons]).
        self.templates: dict[str, tuple[str, int] | tuple[str, int, int]] = dict(
            templates
            if templates is not None
            else {
                "laporin_status_laporan": ("id", 2),
                "laporin_laporan_selesai": ("id", 2, 6),
                "laporin_jawaban_petugas": ("id", 2),
            }
        )
        self.requests: list[RecordedRequest] = []
        self.sent: list[SentMessage] = []
        self.read_receipts: list[str] = []
        self.violations: list[str] = []
        self.rejections: list[Rejection] = []
        self.media: dict[str, Media] = {}
        self.uploads: list[str] = []
        self.downloads = 0
        self._closed_windows: set[str] = set()
        self._injected: list[_Injected] = []
        self._media_ids = itertools.count(1_479_537_139_650_973)
        # Handlers run on the server's event loop while a test thread may call
        # fail_next()/close_window(): one lock keeps the shared state consistent.
        self._lock = threading.Lock()
        self.app = Starlette(
            routes=[
                # Before "/{version}/{node}", which would otherwise match it.
                Route("/media-download/{media_id}", self._download, methods=["GET"]),
                Route("/{version}/{node}/messages", self._messages, methods=["POST"]),
                Route("/{version}/{node}/media", self._upload, methods=["POST"]),
                Route("/{version}/{node}", self._media_url, methods=["GET"]),
                Route("/{path:path}", self._unknown_path, methods=ALL_METHODS),
            ]
        )

    # --- controls for tests ---------------------------------------------------------------

    def close_window(self, wa_id: str) -> None:
        """The user last wrote more than 24 hours ago: only templates reach them."""
        with self._lock:
            self._closed_windows.add(_wa_id(wa_id))

    def open_window(self, wa_id: str) -> None:
        with self._lock:
            self._closed_windows.discard(_wa_id(wa_id))

    def fail_next(
        self,
        code: int,
        *,
        times: int = 1,
        http_status: int | None = None,
        message: str | None = None,
    ) -> None:
        """Answer the next `times` message sends (not read receipts) with Graph error `code`.

        `http_status` defaults to what Meta answers for a code in KNOWN_ERRORS (429 for
        130429, 401 for 190, ...) and to 400 otherwise; pass 500/503 for Meta's outages.
        """
        default_status, default_message, details = KNOWN_ERRORS.get(
            code, (400, f"(#{code}) Injected error", "Injected by FakeGraph.fail_next")
        )
        with self._lock:
            self._injected.append(
                _Injected(
                    code=code,
                    times=times,
                    http_status=http_status or default_status,
                    message=message or default_message,
                    details=details,
                )
            )

    def add_media(self, data: bytes, mime_type: str) -> str:
        """A file a user sent (it arrives by webhook with this id); returns the media id."""
        return self._store_media(data, mime_type, uploaded=False)

    # --- what was sent -----------------------------------------------------------------------

    def messages_to(self, wa_id: str) -> list[SentMessage]:
        wa_id = _wa_id(wa_id)
        return [m for m in self.sent if _wa_id(m.to) == wa_id]

    def texts_to(self, wa_id: str) -> list[str]:
        """Text bodies and interactive body texts sent to `wa_id`, in order."""
        return [m.text for m in self.messages_to(wa_id) if m.text is not None]

    def last_to(self, wa_id: str) -> SentMessage:
        """The last message sent to `wa_id`; AssertionError when there is none."""
        messages = self.messages_to(wa_id)
        if not messages:
            raise AssertionError(f"nothing was sent to {wa_id}; sent: {self.sent}")
        return messages[-1]

    # --- handlers ------------------------------------------------------------------------------

    async def _wait(self) -> None:
        if self.delay > 0:
            await asyncio.sleep(self.delay)

    async def _messages(self, request: Request) -> Response:
        body = await request.body()
        await self._wait()
        payload = self._record(request, body)
        try:
            self._authorize(request)
            self._check_node(request, "post")
            if "application/json" not in request.headers.get("content-type", ""):
                raise _invalid("Send the message as JSON (Content-Type: application/json)")
            if not isinstance(payload, dict):
                raise _invalid("The request body must be a JSON object")
            if payload.get("status") == "read" or "message_id" in payload:
                return JSONResponse(self._mark_read(payload))
            return JSONResponse(self._send(payload))
        except _GraphError as error:
            return self._reject(request, error)

    async def _upload(self, request: Request) -> Response:
        body = await request.body()
        await self._wait()
        self._record(request, body)
        try:
            self._authorize(request)
            self._check_node(request, "post")
            fields, files = _parse_multipart(request.headers.get("content-type", ""), body)
            if fields.get("messaging_product") != "whatsapp":
                raise _invalid('The parameter messaging_product is required and must be "whatsapp"')
            if "file" not in files:
                raise _invalid("The parameter file is required")
            data, part_type = files["file"]
            mime = fields.get("type") or part_type
            if mime not in UPLOAD_LIMITS:
                raise _invalid(
                    "Param file must be a file with one of the following types: "
                    f"{', '.join(UPLOAD_LIMITS)}. Received file of type '{mime}'."
                )
            if not data or len(data) > UPLOAD_LIMITS[mime]:
                raise _invalid(
                    f"A {mime} file must be 1 to {UPLOAD_LIMITS[mime]} bytes, got {len(data)}"
                )
            if mime in MAGIC and not MAGIC[mime](data):
                raise _GraphError(
                    131053,
                    "(#131053) Media upload error",
                    f"The file's content is not {mime}",
                )
            media_id = self._store_media(data, mime, uploaded=True)
        except _GraphError as error:
            return self._reject(request, error)
        return JSONResponse({"id": media_id})

    async def _media_url(self, request: Request) -> Response:
        await self._wait()
        self._record(request, b"")
        try:
            self._authorize(request)
            self._check_version(request)
            media_id = request.path_params["node"]
            media = self.media.get(media_id)
            asked_phone = request.query_params.get("phone_number_id")
            if media is None or (asked_phone is not None and asked_phone != self.phone_number_id):
                raise _unsupported_request("GET", media_id)
        except _GraphError as error:
            return self._reject(request, error)
        token = secrets.token_hex(8)
        return JSONResponse(
            {
                "messaging_product": "whatsapp",
                "url": f"{self.base_url}/media-download/{media.id}?mid={media.id}&hash={token}",
                "mime_type": media.mime_type,
                "sha256": media.sha256,
                "file_size": len(media.data),
                "id": media.id,
            }
        )

    async def _download(self, request: Request) -> Response:
        await self._wait()
        self._record(request, b"")
        try:
            self._authorize(request)
            media = self.media.get(request.path_params["media_id"])
            if media is None:
                raise _unsupported_request("GET", request.path_params["media_id"])
        except _GraphError as error:
            return self._reject(request, error)
        with self._lock:
            self.downloads += 1
        return Response(media.data, media_type=media.mime_type)

    async def _unknown_path(self, request: Request) -> Response:
        self._record(request, await request.body())
        error = _GraphError(2500, f"Unknown path components: {request.url.path}")
        return self._reject(request, error)

    # --- the work ------------------------------------------------------------------------------

    def _mark_read(self, payload: JSON) -> JSON:
        _object(
            payload,
            "message",
            {"messaging_product", "status", "message_id", "typing_indicator"},
            {"messaging_product", "status", "message_id"},
        )
        if payload["messaging_product"] != "whatsapp":
            raise _invalid('messaging_product must be "whatsapp"')
        if payload["status"] != "read":
            raise _invalid('status must be "read" to mark a message as read')
        message_id = _string(payload["message_id"], "message_id", max_len=1024)
        if "typing_indicator" in payload and payload["typing_indicator"] != {"type": "text"}:
            raise _invalid('typing_indicator must be {"type": "text"}')
        with self._lock:
            self.read_receipts.append(message_id)
        return {"success": True}

    def _send(self, payload: JSON) -> JSON:
        kind = self._validate(payload)
        to = payload["to"]
        with self._lock:
            injected = self._take_injected()
            closed = _wa_id(to) in self._closed_windows
        if injected is not None:
            raise _GraphError(
                injected.code,
                injected.message,
                injected.details,
                http_status=injected.http_status,
                violation=False,
            )
        if closed and kind != "template":
            raise _GraphError(
                131047, "(#131047) Re-engagement message", WINDOW_DETAILS, violation=False
            )
        message_id = new_wamid()
        with self._lock:
            self.sent.append(SentMessage(message_id, payload, time.time()))
        message: JSON = {"id": message_id}
        if kind == "template":
            message["message_status"] = "accepted"
        return {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": _wa_id(to)}],
            "messages": [message],
        }

    def _validate(self, payload: JSON) -> str:
        """Check a send request against Meta's documented format; returns its type."""
        kind = payload.get("type", "text")  # Meta: "If omitted, defaults to text."
        if not isinstance(kind, str):
            raise _invalid("type must be a string")
        if kind in META_ONLY_TYPES:
            raise _invalid(f"type {kind!r} is valid for Meta but not supported by this fake")
        if kind not in SUPPORTED_TYPES:
            raise _invalid(f"type must be one of {{{', '.join(SUPPORTED_TYPES)}}}, got {kind!r}")
        _object(payload, "message", TOP_LEVEL_KEYS | {kind}, {"messaging_product", "to", kind})
        if payload["messaging_product"] != "whatsapp":
            raise _invalid(
                f'messaging_product must be "whatsapp", got {payload["messaging_product"]!r}'
            )
        if payload.get("recipient_type", "individual") != "individual":
            raise _invalid(
                f'recipient_type must be "individual", got {payload["recipient_type"]!r}'
            )
        to = payload["to"]
        if not isinstance(to, str) or not PHONE.fullmatch(to):
            raise _invalid(f"to must be a phone number string of digits, got {to!r}")
        if "context" in payload:
            context = _object(payload["context"], "context", {"message_id"}, {"message_id"})
            _string(context["message_id"], "context['message_id']", max_len=1024)
        if "biz_opaque_callback_data" in payload:
            _string(
                payload["biz_opaque_callback_data"],
                "biz_opaque_callback_data",
                max_len=MAX_OPAQUE_CALLBACK_DATA,
            )
        checks: dict[str, Callable[[Any], None]] = {
            "text": _check_text,
            "interactive": self._check_interactive,
            "location": _check_location,
            "image": lambda image: self._check_media(image, "image", caption=True),
            "template": self._check_template,
        }
        checks[kind](payload[kind])
        return kind

    def _check_interactive(self, interactive: Any) -> None:
        interactive = _object(
            interactive,
            "interactive",
            {"type", "header", "body", "footer", "action"},
            {"type", "body", "action"},
        )
        kind = interactive["type"]
        body_limits = {
            "button": MAX_BUTTON_BODY,
            "list": MAX_LIST_BODY,
            "location_request_message": MAX_LOCATION_REQUEST_BODY,
        }
        if kind not in body_limits:
            raise _invalid(
                f"interactive['type'] must be one of {{{', '.join(body_limits)}}}, got {kind!r}"
            )
        body = _object(interactive["body"], "interactive['body']", {"text"}, {"text"})
        _string(body["text"], "interactive['body']['text']", max_len=body_limits[kind])
        if kind == "location_request_message":
            for key in ("header", "footer"):
                if key in interactive:
                    raise _invalid(f"A location_request_message has no {key}")
            if interactive["action"] != {"name": "send_location"}:
                raise _invalid('interactive[\'action\'] must be {"name": "send_location"}')
            return
        if "header" in interactive:
            _check_header(interactive["header"], kind, self._check_media)
        if "footer" in interactive:
            footer = _object(interactive["footer"], "interactive['footer']", {"text"}, {"text"})
            _string(footer["text"], "interactive['footer']['text']", max_len=MAX_FOOTER_TEXT)
        if kind == "button":
            _check_buttons(interactive["action"])
        else:
            _check_list(interactive["action"])

    def _check_media(self, media: Any, where: str, *, caption: bool = False) -> None:
        keys = {"id", "link", "caption"} if caption else {"id", "link"}
        media = _object(media, where, keys)
        if ("id" in media) == ("link" in media):
            raise _invalid(f"{where} needs exactly one of 'id' or 'link'")
        if "link" in media:
            link = _string(media["link"], f"{where}['link']", max_len=2048)
            if not link.startswith(("http://", "https://")):
                raise _invalid(f"{where}['link'] must be an http(s) URL")
        else:
            media_id = media["id"]
            known = self.media.get(media_id) if isinstance(media_id, str) else None
            if known is None:
                raise _invalid(f"{where}['id'] {media_id!r} is not a media id of this number")
            if where == "image" and known.mime_type not in IMAGE_TYPES:
                raise _invalid(f"Media {media_id} is {known.mime_type}, not an image")
        if "caption" in media:
            _string(media["caption"], f"{where}['caption']", max_len=MAX_CAPTION, min_len=0)

    def _check_template(self, template: Any) -> None:
        template = _object(
            template, "template", {"name", "language", "components"}, {"name", "language"}
        )
        name = _string(template["name"], "template['name']", max_len=512)
        language = _object(
            template["language"], "template['language']", {"code", "policy"}, {"code"}
        )
        code = _string(language["code"], "template['language']['code']", max_len=16)
        if language.get("policy", "deterministic") != "deterministic":
            raise _invalid("template['language']['policy'] must be \"deterministic\"")
        approved = self.templates.get(name)
        if approved is None or approved[0] != code:
            raise _GraphError(
                132001,
                "(#132001) Template name does not exist in the translation",
                f"template name ({name}) does not exist in {code}",
                http_status=404,
            )
        parameters: list[Any] = []
        quick_replies = approved[2] if len(approved) > 2 else 0
        indexes: list[str] = []
        components = _list(
            template.get("components", []),
            "template['components']",
            low=0,
            high=1 + MAX_QUICK_REPLIES,
        )
        for i, component in enumerate(components):
            where = f"template['components'][{i}]"
            if isinstance(component, dict) and component.get("type") == "button" and quick_replies:
                indexes.append(_check_quick_reply(component, where, quick_replies))
                continue
            if isinstance(component, dict) and component.get("type") != "body":
                component = {"type": component.get("type")}  # refused just below
            component = _object(component, where, {"type", "parameters"}, {"type"})
            if component["type"] != "body":
                # Laporin's approved templates have a body and quick replies only.
                raise _GraphError(
                    132018,
                    "(#132018) There's an issue with the parameters in your template",
                    f"{component['type']}: Template does not contain {component['type']} "
                    "component, no parameters allowed",
                )
            parameters += _list(
                component.get("parameters", []), f"{where}['parameters']", low=0, high=100
            )
        _unique(indexes, "Button component indexes")
        expected = approved[1]
        if len(parameters) != expected:
            raise _GraphError(
                132000,
                "(#132000) Number of parameters does not match the expected number of params",
                f"body: number of localizable_params ({len(parameters)}) does not match the "
                f"expected number of params ({expected})",
            )
        for i, parameter in enumerate(parameters):
            where = f"template body parameter {i + 1}"
            parameter = _object(parameter, where, {"type", "text"}, {"type", "text"})
            if parameter["type"] != "text":
                raise _invalid(f'{where}: type must be "text", got {parameter["type"]!r}')
            text = _string(parameter["text"], f"{where}: text", max_len=1024)
            if not text.strip():
                raise _invalid(f"{where}: Parameter text cannot be empty")
            if "\n" in text or "\t" in text or "     " in text:
                raise _GraphError(
                    132018,
                    "(#132018) There's an issue with the parameters in your template",
                    PARAM_FORMAT_DETAILS,
                )

    # --- plumbing --------------------------------------------------------------------------------

    def _record(self, request: Request, body: bytes) -> Any | None:
        try:
            parsed = json.loads(body) if body else None
        except (ValueError, UnicodeDecodeError):
            parsed = None
        with self._lock:
            self.requests.append(
                RecordedRequest(
                    method=request.method,
                    path=request.url.path,
                    query=request.url.query,
                    json=parsed,
                    headers=dict(request.headers),
                )
            )
        return parsed

    def _authorize(self, request: Request) -> None:
        if request.headers.get("authorization") != f"Bearer {self.access_token}":
            raise _GraphError(
                190,
                "Invalid OAuth access token - Cannot parse access token",
                http_status=401,
            )

    def _check_version(self, request: Request) -> None:
        version = request.path_params["version"]
        if version != self.version:
            raise _invalid(f"This fake serves Graph API {self.version}, not {version}")

    def _check_node(self, request: Request, method: str) -> None:
        self._check_version(request)
        if request.path_params["node"] != self.phone_number_id:
            raise _unsupported_request(method, request.path_params["node"])

    def _take_injected(self) -> _Injected | None:
        if not self._injected:
            return None
        injected = self._injected[0]
        injected.times -= 1
        if injected.times <= 0:
            self._injected.pop(0)
        return injected

    def _store_media(self, data: bytes, mime_type: str, *, uploaded: bool) -> str:
        with self._lock:
            media_id = str(next(self._media_ids))
            self.media[media_id] = Media(media_id, data, mime_type, uploaded)
            if uploaded:
                self.uploads.append(media_id)
        return media_id

    def _reject(self, request: Request, error: _GraphError) -> Response:
        rejection = Rejection(
            method=request.method,
            path=request.url.path,
            http_status=error.http_status,
            code=error.code,
            message=error.message,
            details=error.details,
            violation=error.violation,
        )
        with self._lock:
            self.rejections.append(rejection)
            if error.violation:
                what = error.details or error.message
                self.violations.append(
                    f"{request.method} {request.url.path}: ({error.code}) {what}"
                )
        envelope: JSON = {"message": error.message, "type": error.error_type, "code": error.code}
        if error.subcode is not None:
            envelope["error_subcode"] = error.subcode
        if error.details is not None:
            envelope["error_data"] = {"messaging_product": "whatsapp", "details": error.details}
        envelope["fbtrace_id"] = _fbtrace_id()
        headers = {}
        if error.http_status == 401:
            headers["WWW-Authenticate"] = (
                f'OAuth "Facebook Platform" "invalid_token" "{error.message}"'
            )
        return JSONResponse({"error": envelope}, status_code=error.http_status, headers=headers)


def _parse_multipart(
    content_type: str, body: bytes
) -> tuple[dict[str, str], dict[str, tuple[bytes, str]]]:
    """Form fields and files (data, content type) of a multipart/form-data body.

    The stdlib email parser, because Starlette's form parsing needs python-multipart,
    which the project does not install.
    """
    if not content_type.startswith("multipart/form-data"):
        raise _invalid("Upload media as multipart/form-data")
    parser = email.parser.BytesParser(policy=email.policy.HTTP)
    message = parser.parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    if not message.is_multipart():
        raise _invalid("The multipart/form-data body could not be parsed")
    fields: dict[str, str] = {}
    files: dict[str, tuple[bytes, str]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        data = part.get_payload(decode=True)
        payload = data if isinstance(data, bytes) else b""
        if part.get_filename() is not None:
            # No Content-Type on the part means none was given (not email's text/plain).
            files[name] = (payload, part.get_content_type() if part.get("content-type") else "")
        else:
            fields[name] = payload.decode()
    return fields, files
