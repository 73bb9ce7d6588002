"""Issuing, finding and revoking the API keys of other systems (tickets/api_key_models.py).

`python -m bot open311 create-key --name NAME` prints a new key once; afterwards
only its SHA-256 is known. Functions take the caller's session and never commit.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.timestamps import utcnow
from tickets.api_key_models import ApiKey
from tickets.texts import TEXTS

PREFIX = "lpg_"
MAX_KEY = 128
# last_used_at is written at most this often (a busy client is not a write per call).
TOUCH_EVERY = timedelta(minutes=5)


class ApiKeyError(Exception):
    def __init__(self, code: str, **variables: Any) -> None:
        self.code = code
        super().__init__(TEXTS.text("api_key_errors", code, **variables))


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(*, session: Session, name: str) -> tuple[ApiKey, str]:
    """A new key for the system called `name`: (its row, the key itself)."""
    label = name.strip()[:120]
    if not label:
        raise ApiKeyError("no_name")
    if session.scalar(select(ApiKey.id).where(ApiKey.name == label)) is not None:
        raise ApiKeyError("name_taken", nama=label)
    key = PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(name=label, key_hash=_digest(key), prefix=key[:12])
    session.add(row)
    session.flush()
    return row, key


def find_key(*, session: Session, key: str, now: datetime | None = None) -> ApiKey | None:
    """The live key `key`, its use noted; None when unknown or revoked."""
    if not key or len(key) > MAX_KEY:
        return None
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == _digest(key)))
    if row is None or row.revoked_at is not None:
        return None
    now = now or utcnow()
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
        row.last_used_at = now
    return row


def revoke_key(*, session: Session, name: str, now: datetime | None = None) -> ApiKey:
    row = session.scalar(select(ApiKey).where(ApiKey.name == name.strip()))
    if row is None:
        raise ApiKeyError("not_found", nama=name)
    if row.revoked_at is None:
        row.revoked_at = now or utcnow()
    session.flush()
    return row


def all_keys(*, session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))
