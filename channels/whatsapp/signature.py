"""Webhook security for the WhatsApp Cloud API.

Meta signs every webhook POST with HMAC-SHA256 of the raw body using the app
secret, in `X-Hub-Signature-256: sha256=<hex>`; the subscription handshake is a
GET with hub.mode=subscribe, hub.verify_token and hub.challenge.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

SIGNATURE_HEADER = "X-Hub-Signature-256"
PREFIX = "sha256="


def sign(body: bytes, app_secret: str) -> str:
    """The header value Meta would send for `body` (tests and the fake API use it)."""
    return PREFIX + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def signature_valid(body: bytes, header: str | None, app_secret: str) -> bool:
    """Constant-time check of the raw body's signature; False when missing or malformed."""
    if not header or not header.startswith(PREFIX) or not app_secret:
        return False
    return hmac.compare_digest(sign(body, app_secret), header.strip())


def verification_challenge(params: Mapping[str, str], verify_token: str) -> str | None:
    """The challenge to echo for a valid subscription handshake, else None (403)."""
    if not verify_token:
        return None
    if params.get("hub.mode") != "subscribe":
        return None
    if not hmac.compare_digest(params.get("hub.verify_token", ""), verify_token):
        return None
    return params.get("hub.challenge")
