"""Logging in: argon2 passwords, revocable server-side sessions that expire, the
login form's own CSRF token, the rate limit, deactivated users, logging out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from starlette.testclient import TestClient

from core.db import transaction
from core.timestamps import utcnow
from tests.support.workspace_client import PASSWORD, csrf_of, log_in, logged_in, new_client
from tests.workspace.conftest import MakeAccount
from tickets.accounts import set_active, set_password
from tickets.models import StaffUser
from tickets.staff_models import LoginAttempt, StaffSession
from tickets.texts import TEXTS
from workspace.web import COOKIE


def test_the_login_form_has_labelled_fields_and_the_masuk_button(client: TestClient) -> None:
    page = client.get("/petugas/masuk")
    assert page.status_code == 200
    assert '<label for="email">Email</label>' in page.text
    assert '<label for="password">Kata sandi</label>' in page.text
    assert ">Masuk</button>" in page.text


def test_a_page_without_login_sends_to_the_login_form(client: TestClient) -> None:
    answer = client.get("/petugas/tiket/LPG-2026-000001")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/petugas/masuk?lanjut=/petugas/tiket/LPG-2026-000001"
    fragment = client.get("/petugas/", headers={"HX-Request": "true"})
    assert fragment.status_code == 401 and fragment.headers["HX-Redirect"].startswith(
        "/petugas/masuk"
    )


def test_logging_in_opens_a_session_and_the_queue(make_account: MakeAccount) -> None:
    account = make_account("admin")
    browser = new_client()
    answer = log_in(browser, account.email.upper())  # e-mail addresses ignore case
    assert answer.status_code == 303 and answer.headers["location"] == "/petugas/"
    cookie = answer.headers["set-cookie"]
    assert f"{COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    queue = browser.get("/petugas/")
    assert queue.status_code == 200 and "Antrean tiket" in queue.text
    with transaction() as session:
        row = session.scalars(select(StaffSession)).one()
        # Only the token's digest is stored: a copy of the database opens no session.
        assert row.token_hash != browser.cookies[COOKIE] and len(row.token_hash) == 64
        stored = session.get(StaffUser, account.id)
        assert stored is not None and (stored.password_hash or "").startswith("$argon2id$")


def test_the_login_returns_to_the_page_asked_for_but_never_to_another_site(
    make_account: MakeAccount,
) -> None:
    account = make_account("admin")
    for asked, landing in (
        ("/petugas/percakapan", "/petugas/percakapan"),
        ("//evil.example/petugas/", "/petugas/"),
        ("https://evil.example/", "/petugas/"),
    ):
        browser = new_client()
        form = browser.get("/petugas/masuk", params={"lanjut": asked})
        answer = browser.post(
            "/petugas/masuk",
            data={
                "email": account.email,
                "password": PASSWORD,
                "csrf": csrf_of(form.text),
                "lanjut": asked,
            },
        )
        assert answer.headers["location"] == landing


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(
    make_account: MakeAccount,
) -> None:
    account = make_account("operator", region="metro")
    wrong = log_in(new_client(), account.email, "bukan-sandinya")
    unknown = log_in(new_client(), "tidak.ada@lampungprov.go.id")
    message = TEXTS.text("account_errors", "bad_login")
    for answer in (wrong, unknown):
        assert answer.status_code == 401
        assert message in answer.text
        assert COOKIE not in answer.headers.get("set-cookie", "")


def test_failed_logins_are_rate_limited_per_email(
    make_account: MakeAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = make_account("operator", region="metro")
    for _ in range(5):
        assert log_in(new_client(), account.email, "salah-salah-salah").status_code == 401
    # The right password no longer helps until the window has passed.
    blocked = log_in(new_client(), account.email)
    assert blocked.status_code == 401
    assert "Terlalu banyak percobaan" in blocked.text
    with transaction() as session:
        session.execute(update(LoginAttempt).values(at=utcnow() - timedelta(minutes=16)))
    assert log_in(new_client(), account.email).status_code == 303
    with transaction() as session:  # a success clears the e-mail's failures
        assert session.scalar(select(func.count()).select_from(LoginAttempt)) == 0


def test_failed_logins_are_rate_limited_per_client(
    make_account: MakeAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKSPACE_LOGIN_FAILURES_PER_CLIENT", "3")
    from core.settings import get_settings

    get_settings.cache_clear()
    account = make_account("admin")
    for n in range(3):  # guessing other users' e-mails from one address
        log_in(new_client(), f"tebak{n}@lampungprov.go.id", "tebak-tebak-1")
    assert "Terlalu banyak percobaan" in log_in(new_client(), account.email).text


def test_a_deactivated_user_cannot_log_in_and_loses_open_sessions(
    make_account: MakeAccount,
) -> None:
    admin = make_account("admin")
    account = make_account("agency", agency="dlh")
    browser = logged_in(account)
    assert browser.get("/petugas/").status_code == 200
    with transaction() as session:
        user = session.get(StaffUser, account.id)
        assert user is not None
        set_active(session=session, user=user, active=False)
    assert browser.get("/petugas/").status_code == 303  # the open session is over
    refused = log_in(new_client(), account.email)
    assert refused.status_code == 401
    assert TEXTS.text("account_errors", "inactive") in refused.text
    assert logged_in(admin).get("/petugas/").status_code == 200


def test_a_new_password_ends_the_old_sessions(make_account: MakeAccount) -> None:
    account = make_account("operator", region="metro")
    browser = logged_in(account)
    with transaction() as session:
        user = session.get(StaffUser, account.id)
        assert user is not None
        set_password(session=session, user=user, password="sandi-baru-panjang")
    assert browser.get("/petugas/").status_code == 303
    assert log_in(new_client(), account.email).status_code == 401
    assert log_in(new_client(), account.email, "sandi-baru-panjang").status_code == 303


def test_a_session_expires_after_inactivity_and_after_its_maximum_age(
    make_account: MakeAccount,
) -> None:
    account = make_account("operator", region="metro")
    idle, old = logged_in(account), logged_in(account)
    with transaction() as session:
        rows = session.scalars(select(StaffSession).order_by(StaffSession.id)).all()
        rows[0].last_seen_at = utcnow() - timedelta(minutes=121)
        rows[1].created_at = utcnow() - timedelta(hours=13)
    assert idle.get("/petugas/").status_code == 303
    assert old.get("/petugas/").status_code == 303
    assert logged_in(account).get("/petugas/").status_code == 200


def test_the_login_form_refuses_a_post_without_its_token(make_account: MakeAccount) -> None:
    account = make_account("admin")
    browser = new_client()
    answer = browser.post("/petugas/masuk", data={"email": account.email, "password": PASSWORD})
    assert answer.status_code == 403
    assert COOKIE not in browser.cookies


def test_logging_out_revokes_the_session(make_account: MakeAccount) -> None:
    account = make_account("admin")
    browser = logged_in(account)
    token = browser.cookies[COOKIE]
    page = browser.get("/petugas/")
    answer = browser.post("/petugas/keluar", data={"csrf": csrf_of(page.text)})
    assert answer.status_code == 303 and answer.headers["location"] == "/petugas/masuk"
    # Replaying the old cookie (a stolen copy) opens nothing any more.
    replay = new_client()
    replay.cookies.set(COOKIE, token, path="/petugas/")
    assert replay.get("/petugas/").status_code == 303
    with transaction() as session:
        assert session.scalars(select(StaffSession)).one().revoked_at is not None


def test_logs_purge_forgets_ended_sessions_and_old_login_failures(
    make_account: MakeAccount,
) -> None:
    from bot.cli import main

    account = make_account("operator", region="metro")
    live, ended = logged_in(account), logged_in(account)
    log_in(new_client(), account.email, "salah-salah-salah")
    with transaction() as session:
        rows = session.scalars(select(StaffSession).order_by(StaffSession.id)).all()
        rows[1].revoked_at = utcnow()
        session.execute(update(LoginAttempt).values(at=utcnow() - timedelta(minutes=20)))
    assert main(["logs", "purge", "--days", "30"]) == 0
    with transaction() as session:
        assert [s.id for s in session.scalars(select(StaffSession))] == [rows[0].id]
        assert session.scalar(select(func.count()).select_from(LoginAttempt)) == 0
    assert live.get("/petugas/").status_code == 200
    assert ended.get("/petugas/").status_code == 303


def test_the_lists_reloading_themselves_do_not_keep_a_session_alive(
    make_account: MakeAccount,
) -> None:
    account = make_account("operator", region="metro")
    browser = logged_in(account)
    quiet = utcnow() - timedelta(minutes=100)
    with transaction() as session:
        session.execute(update(StaffSession).values(last_seen_at=quiet))

    def last_seen() -> object:
        with transaction() as session:
            return session.scalars(select(StaffSession.last_seen_at)).one()

    refresh = {"HX-Request": "true", "X-Laporin-Refresh": "1"}
    assert browser.get("/petugas/", headers=refresh).status_code == 200
    assert last_seen() == quiet  # an open tab nobody looks at
    assert browser.get("/petugas/").status_code == 200
    assert last_seen() != quiet  # the user opened a page
