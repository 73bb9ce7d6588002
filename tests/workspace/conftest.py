"""Fixtures of the staff workspace's tests: staff who can log in, and a client of the
project's ASGI app (bot.web.create_app) with no chat channel, not entered (no
lifespan): the outbox is not delivered, so a test reads what was queued."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

import pytest
from starlette.testclient import TestClient

from core.db import transaction
from tests.support.workspace_client import PASSWORD, Account, new_client
from tickets.accounts import Profile, add_user
from tickets.response_templates import seed_defaults

MakeAccount = Callable[..., Account]


@pytest.fixture
def make_account(db: str) -> MakeAccount:
    """make_account(role, region=None, agency=None, name=None) -> a user who can log in."""
    numbers = count(1)

    def make(
        role: str = "operator",
        *,
        region: str | None = None,
        agency: str | None = None,
        name: str | None = None,
    ) -> Account:
        email = f"{role}{next(numbers)}@lampungprov.go.id"
        profile = Profile(
            name=name or f"Petugas {role}",
            role=role,
            email=email,
            region_code=region,
            agency_code=agency,
        )
        with transaction() as session:
            user = add_user(session=session, profile=profile, password=PASSWORD)
            return Account(user.id, email)

    return make


@pytest.fixture
def client(db: str) -> TestClient:
    return new_client()


@pytest.fixture
def templates(db: str) -> None:
    """The default response templates (tickets/response_templates.yml), as migrated
    (the `db` fixture empties every table but the reference ones)."""
    with transaction() as session:
        seed_defaults(session=session)
