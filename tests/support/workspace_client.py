"""Driving the staff workspace as a browser does: a TestClient per user (its own
cookies), the login form with its CSRF token, and a page's forms posted with the
page's token and ticket version."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from httpx import Response
from starlette.testclient import TestClient

from bot.web import create_app

PASSWORD = "kata-sandi-uji-1"
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')
VERSION_FIELD = re.compile(r'name="version" value="(\d+)"')


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
