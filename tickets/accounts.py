"""Staff accounts for the web workspace: create and edit, passwords, logging in.

Passwords are hashed with argon2 (pwdlib's recommended settings); a login is
refused after too many failures within a window, per e-mail and per client
address, counted in the database (so every process sees the same count).
Deactivating a user or setting a new password revokes their sessions
(tickets/staff_sessions.py). Functions take the caller's session and never
commit: the command line and the workspace call the same code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from pwdlib import PasswordHash
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.settings import get_settings
from core.timestamps import utcnow
from knowledge.agencies import get_agency
from knowledge.regions import get_region
from tickets.enums import StaffRole
from tickets.models import StaffUser
from tickets.staff_models import LoginAttempt
from tickets.staff_sessions import revoke_all
from tickets.texts import TEXTS

MIN_PASSWORD = 10
MAX_PASSWORD = 256  # argon2 takes any length; a bound keeps hashing cheap to refuse
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
NEEDS_AGENCY = (StaffRole.AGENCY, StaffRole.AGENCY_HEAD)


class AccountError(Exception):
    """A refused account action or login; `str(error)` is the Indonesian message."""

    def __init__(self, code: str, **variables: Any) -> None:
        self.code = code
        super().__init__(TEXTS.text("account_errors", code, **variables))


@cache
def _hasher() -> PasswordHash:
    return PasswordHash.recommended()


@cache
def _dummy_hash() -> str:
    # Checked when the e-mail is unknown, so a wrong address takes as long as a
    # wrong password and does not tell which accounts exist.
    return _hasher().hash("laporin-no-such-account")


def normalise_email(email: str) -> str:
    value = email.strip().lower()
    if not EMAIL.match(value) or len(value) > 255:
        raise AccountError("bad_email")
    return value


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError("short_password", min=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise AccountError("long_password", maks=MAX_PASSWORD)
    return _hasher().hash(password)


@dataclass
class Profile:
    """What an admin sets of a user (the add and edit forms, `users add`)."""

    name: str
    role: str
    email: str | None = None
    region_code: str | None = None
    agency_code: str | None = None


def _checked(session: Session, profile: Profile, user_id: int | None) -> Profile:
    name = profile.name.strip()
    if not name:
        raise AccountError("no_name")
    if profile.role not in set(StaffRole):
        raise AccountError("bad_role", peran=profile.role)
    region, agency = profile.region_code or None, profile.agency_code or None
    if region is not None and get_region(region) is None:
        raise AccountError("unknown_region", kode=region)
    if agency is not None and get_agency(agency) is None:
        raise AccountError("unknown_agency", kode=agency)
    if profile.role in NEEDS_AGENCY and agency is None:
        raise AccountError("agency_required")
    email = normalise_email(profile.email) if profile.email else None
    if email is not None:
        other = session.scalar(select(StaffUser.id).where(StaffUser.email == email))
        if other is not None and other != user_id:
            raise AccountError("email_taken", email=email)
    return Profile(
        name=name[:255], role=profile.role, email=email, region_code=region, agency_code=agency
    )


def add_user(*, session: Session, profile: Profile, password: str | None = None) -> StaffUser:
    checked = _checked(session, profile, None)
    user = StaffUser(
        name=checked.name,
        role=checked.role,
        email=checked.email,
        region_code=checked.region_code,
        agency_code=checked.agency_code,
        active=True,
    )
    if password is not None:
        user.password_hash = hash_password(password)
    session.add(user)
    session.flush()
    return user


def _is_last_admin(session: Session, user: StaffUser) -> bool:
    if user.role != StaffRole.ADMIN or not user.active:
        return False
    admins = session.scalar(
        select(func.count()).where(StaffUser.role == StaffRole.ADMIN, StaffUser.active.is_(True))
    )
    return admins == 1


def update_user(*, session: Session, user: StaffUser, profile: Profile) -> StaffUser:
    checked = _checked(session, profile, user.id)
    if checked.role != user.role and _is_last_admin(session, user):
        raise AccountError("last_admin")
    user.name, user.role, user.email = checked.name, checked.role, checked.email
    user.region_code, user.agency_code = checked.region_code, checked.agency_code
    session.flush()
    return user


def set_active(*, session: Session, user: StaffUser, active: bool) -> None:
    if not active and _is_last_admin(session, user):
        raise AccountError("last_admin")
    user.active = active
    if not active:
        revoke_all(session=session, staff_id=user.id)
    session.flush()


def set_password(*, session: Session, user: StaffUser, password: str) -> None:
    """A new password; every open session of the user ends."""
    user.password_hash = hash_password(password)
    revoke_all(session=session, staff_id=user.id)
    session.flush()


def find_by_email(*, session: Session, email: str) -> StaffUser | None:
    try:
        value = normalise_email(email)
    except AccountError:
        return None
    return session.scalar(select(StaffUser).where(StaffUser.email == value))


def _failures(session: Session, column: Any, value: str, since: datetime) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(LoginAttempt)
            .where(column == value, LoginAttempt.at >= since)
        )
        or 0
    )


def authenticate(
    *, session: Session, email: str, password: str, client: str, now: datetime | None = None
) -> StaffUser:
    """The active user with this e-mail and password, or AccountError: bad_login
    (either wrong, not told apart), too_many (rate limit), inactive (right password,
    deactivated account). A failure is recorded in the caller's transaction, which
    must commit it even when this raises."""
    settings = get_settings()
    now = now or utcnow()
    window = timedelta(minutes=settings.workspace_login_window_minutes)
    key = email.strip().lower()[:255]
    client = client[:64]
    if (
        _failures(session, LoginAttempt.email, key, now - window)
        >= settings.workspace_login_failures_per_email
        or _failures(session, LoginAttempt.client, client, now - window)
        >= settings.workspace_login_failures_per_client
    ):
        raise AccountError("too_many", menit=settings.workspace_login_window_minutes)
    user = find_by_email(session=session, email=email)
    hashed = user.password_hash if user is not None and user.password_hash else None
    valid, new_hash = _hasher().verify_and_update(password[:MAX_PASSWORD], hashed or _dummy_hash())
    if user is None or hashed is None or not valid:
        session.add(LoginAttempt(email=key, client=client, at=now))
        session.flush()
        raise AccountError("bad_login")
    if not user.active:
        raise AccountError("inactive")
    if new_hash is not None:  # the recommended parameters changed since it was hashed
        user.password_hash = new_hash
    # A success clears the e-mail's failures: a colleague's typos do not lock it later.
    session.execute(delete(LoginAttempt).where(LoginAttempt.email == key))
    session.flush()
    return user


def purge_attempts(*, session: Session, before: datetime) -> int:
    """Forget failed attempts older than the window (they no longer count)."""
    result = session.execute(delete(LoginAttempt).where(LoginAttempt.at < before))
    return int(getattr(result, "rowcount", 0) or 0)
