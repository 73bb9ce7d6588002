"""A small async client for the WhatsApp Cloud API (Graph API) on httpx (sent
through aiohttp: core/http.py).

Only what Laporin uses: send a message, mark one read, look up and download an
incoming media file, upload a photo. Errors come back as `GraphError` with
Meta's numeric code, which callers map to "retry", "use a template" or "give up".
The access token goes in the Authorization header and is never logged.
"""

from __future__ import annotations

import mimetypes
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from core.http import async_client
from core.settings import Settings

# Graph error codes we act on (developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
REENGAGEMENT = 131047  # more than 24 hours since the user last wrote
RATE_LIMITS = frozenset({4, 80007, 130429, 131056})  # app, account, throughput, per-user pair
ACCESS_TOKEN = 190  # expired or revoked token: an operator must fix it, so keep retrying
# Connections to the Graph API at once (more requests wait for one).
MAX_CONNECTIONS = 100


class GraphError(Exception):
    """A Graph API error (or a transport failure, with `code` 0 and `http_status` 0)."""

    def __init__(self, http_status: int, code: int, message: str, details: str = "") -> None:
        super().__init__(f"HTTP {http_status}, code {code}: {message} {details}".strip())
        self.http_status = http_status
        self.code = code
        self.message = message
        self.details = details

    @property
    def transient(self) -> bool:
        """Worth retrying later: rate limits, a bad token, Meta's or the network's trouble."""
        return (
            self.code in RATE_LIMITS
            or self.code == ACCESS_TOKEN
            or self.http_status == 0
            or self.http_status >= 500
        )


@dataclass(frozen=True)
class MediaInfo:
    url: str
    mime_type: str | None
    file_size: int | None


class MediaTooLargeError(Exception):
    pass


def _error(response: httpx.Response) -> GraphError:
    try:
        error = response.json().get("error") or {}
    except ValueError:
        error = {}
    details = (error.get("error_data") or {}).get("details") or ""
    return GraphError(
        response.status_code, int(error.get("code") or 0), str(error.get("message") or ""), details
    )


class GraphClient:
    """One per process; `transport` lets tests route requests to a fake Graph API."""

    def __init__(
        self,
        *,
        base_url: str,
        version: str,
        phone_number_id: str,
        access_token: str,
        timeout: float = 20.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.phone_number_id = phone_number_id
        self._http = async_client(
            base_url=f"{base_url.rstrip('/')}/{version}/",
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=timeout,
            transport=transport,
            # Sends and read receipts go out side by side: keep their connections
            # open rather than connect again past httpx's 20 kept by default.
            limits=httpx.Limits(max_connections=MAX_CONNECTIONS,
                                max_keepalive_connections=MAX_CONNECTIONS),
        )  # fmt: skip

    @classmethod
    def from_settings(
        cls, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> GraphClient:
        if not (settings.whatsapp_phone_number_id and settings.whatsapp_access_token):
            raise RuntimeError("WHATSAPP_PHONE_NUMBER_ID and WHATSAPP_ACCESS_TOKEN must be set")
        return cls(
            base_url=settings.whatsapp_api_base_url,
            version=settings.whatsapp_api_version,
            phone_number_id=settings.whatsapp_phone_number_id,
            access_token=settings.whatsapp_access_token,
            transport=transport,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._http.request(method, url, **kwargs)
        except httpx.TransportError as error:
            raise GraphError(0, 0, type(error).__name__) from error
        if response.is_error:
            raise _error(response)
        return response

    async def send(self, payload: dict[str, Any]) -> str:
        """POST /{phone-number-id}/messages; returns the new message's id (wamid)."""
        response = await self._request("POST", f"{self.phone_number_id}/messages", json=payload)
        return str(response.json()["messages"][0]["id"])

    async def mark_read(self, message_id: str) -> None:
        """Blue ticks on the user's message, and a typing indicator while we answer."""
        payload = {
            "messaging_product": "whatsapp",
            "status": "read",
            "message_id": message_id,
            "typing_indicator": {"type": "text"},
        }
        await self._request("POST", f"{self.phone_number_id}/messages", json=payload)

    async def media_info(self, media_id: str) -> MediaInfo:
        response = await self._request(
            "GET", media_id, params={"phone_number_id": self.phone_number_id}
        )
        data = response.json()
        size = data.get("file_size")
        return MediaInfo(str(data["url"]), data.get("mime_type"), int(size) if size else None)

    async def download(self, url: str, target: Path, *, max_bytes: int) -> None:
        """Stream the media URL (it needs the same token) to `target`, at most `max_bytes`."""
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            async with self._http.stream("GET", url) as response:
                if response.is_error:
                    await response.aread()
                    raise _error(response)
                written = 0
                with target.open("wb") as out:
                    async for chunk in response.aiter_bytes():
                        written += len(chunk)
                        if written > max_bytes:
                            raise MediaTooLargeError(f"more than {max_bytes} bytes")
                        out.write(chunk)
        except httpx.TransportError as error:
            target.unlink(missing_ok=True)
            raise GraphError(0, 0, type(error).__name__) from error
        except BaseException:
            target.unlink(missing_ok=True)
            raise

    async def upload(self, path: Path, mime_type: str | None = None) -> str:
        """POST /{phone-number-id}/media; returns the media id to send the file by."""
        mime = mime_type or mimetypes.guess_type(path.name)[0] or "image/jpeg"
        files = {"file": (path.name or uuid.uuid4().hex, path.read_bytes(), mime)}
        data = {"messaging_product": "whatsapp", "type": mime}
        response = await self._request(
            "POST", f"{self.phone_number_id}/media", data=data, files=files
        )
        return str(response.json()["id"])
