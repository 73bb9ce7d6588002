"""Driving the staff workspace as a browser does: a TestClient per user (its own
cookies), the login form with its CSRF token, and a page's forms posted with the
page's token and ticket version; and the tickets those tests work on."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from httpx import Response
from sqlalchemy import select
from starlette.testclient import TestClient

from bot.web import create_app
from core.db import transaction
from tests import factories
from tickets.models import Ticket

PASSWORD = "kata-sandi-uji-1"
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')
VERSION_FIELD = re.compile(r'name="version" value="(\d+)"')


# The reporter of `confidential_report`: what agency staff and leaders never see.
REPORTER_NAME, REPORTER_PHONE, REPORTER_CHAT = "Siti Rahasiawati", "081298765432", "700123456"


@dataclass(frozen=True)
class Account:
    id: int
    email: str


def new_client() -> TestClient:
    """A browser of its own (cookies); not entered, so no worker runs."""
    return TestClient(create_app(), base_url="http://testserver", follow_redirects=False)


def csrf_of(html: str) -> str:
    found = CSRF_FIELD.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def log_in(client: TestClient, email: str, password: str = PASSWORD) -> Response:
    """Fills the login form as a browser does (its CSRF cookie and field)."""
    form = client.get("/petugas/masuk")
    return client.post(
        "/petugas/masuk",
        data={"email": email, "password": password, "csrf": csrf_of(form.text)},
    )


def logged_in(account: Account) -> TestClient:
    browser = new_client()
    answer = log_in(browser, account.email)
    assert answer.status_code == 303, answer.text
    return browser


def post_form(
    client: TestClient, page: str, action: str, data: dict[str, str], **kwargs: Any
) -> Response:
    """Posts one of `page`'s forms with the page's CSRF token (and its ticket version)."""
    html = client.get(page).text
    fields = {"csrf": csrf_of(html), **data}
    version = VERSION_FIELD.search(html)
    if version and "version" not in data:
        fields["version"] = version.group(1)
    return client.post(action, data=fields, **kwargs)


def filed(**kwargs: Any) -> str:
    """The number of a ticket made by tests.factories.ticket(**kwargs)."""
    with transaction() as session:
        return factories.ticket(session=session, **kwargs).number


def stored(number: str) -> Ticket:
    """The ticket as the database holds it now (detached)."""
    with transaction() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        session.expunge(ticket)
        return ticket


def confidential_report(attachment_ids: Sequence[int] = ()) -> str:
    """A pungli report forwarded to the Inspektorat, whose reporter also typed their
    own number into the text (masked too)."""
    with transaction() as session:
        reporter = factories.citizen(
            session=session, user_key=REPORTER_CHAT, name=REPORTER_NAME, phone=REPORTER_PHONE
        )
        return factories.ticket(
            session=session,
            citizen=reporter,
            category="pungli",
            region="metro",
            description=f"oknum minta uang 50rb di kelurahan, hub saya {REPORTER_PHONE}",
            attachment_ids=attachment_ids,
            status="forwarded",
            agency="inspektorat",
        ).number
