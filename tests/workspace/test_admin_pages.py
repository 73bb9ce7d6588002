"""The admin pages: users (add, edit, deactivate, new password), response templates,
staff chats and the routing table, for admins only."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.db import transaction
from tests.support.workspace_client import log_in, logged_in, new_client, post_form
from tests.workspace.conftest import MakeAccount
from tickets.models import StaffChat, StaffUser
from tickets.response_templates import templates_for
from tickets.texts import TEXTS

USERS = "/petugas/admin/pengguna"


def _user(email: str) -> StaffUser:
    with transaction() as session:
        user = session.scalars(select(StaffUser).where(StaffUser.email == email)).one()
        session.expunge(user)
        return user


def test_only_admins_reach_the_admin_pages(make_account: MakeAccount) -> None:
    for role, scope in (("operator", {"region": "metro"}), ("leader", {})):
        browser = logged_in(make_account(role, **scope))
        for path in (USERS, "/petugas/admin/templat", "/petugas/admin/rujukan"):
            assert browser.get(path).status_code == 403
        assert (
            post_form(
                browser, "/petugas/", USERS, {"name": "X", "role": "admin", "email": "x@x.id"}
            ).status_code
            == 403
        )


def test_an_admin_adds_a_user_who_then_logs_in(make_account: MakeAccount) -> None:
    admin = logged_in(make_account("admin"))
    answer = post_form(
        admin,
        USERS,
        USERS,
        {
            "name": "Budi Santoso",
            "role": "agency",
            "agency": "dlh",
            "email": "Budi@LampungProv.go.id",
            "password": "sandi-awal-budi",
        },
    )
    assert answer.status_code == 303
    user = _user("budi@lampungprov.go.id")
    assert (user.role, user.agency_code) == ("agency", "dlh")
    assert log_in(new_client(), "budi@lampungprov.go.id", "sandi-awal-budi").status_code == 303
    listed = admin.get(USERS).text
    assert "Budi Santoso" in listed and "sandi-awal-budi" not in listed


def test_a_refused_user_form_says_why_and_keeps_what_was_typed(make_account: MakeAccount) -> None:
    admin = logged_in(make_account("admin"))
    answer = post_form(
        admin, USERS, USERS, {"name": "Sari", "role": "agency", "email": "sari@lampungprov.go.id"}
    )
    assert answer.status_code == 400
    assert TEXTS.text("account_errors", "agency_required") in answer.text
    assert 'value="sari@lampungprov.go.id"' in answer.text


def test_an_admin_changes_a_role_sets_a_password_and_deactivates(
    make_account: MakeAccount,
) -> None:
    admin = logged_in(make_account("admin"))
    account = make_account("operator", region="metro")
    staff_browser = logged_in(account)
    page = f"{USERS}/{account.id}"
    changed = post_form(
        admin,
        page,
        page,
        {
            "name": "Rina Koordinator",
            "role": "coordinator",
            "region": "metro",
            "email": account.email,
        },
    )
    assert changed.status_code == 303
    assert _user(account.email).role == "coordinator"
    differ = post_form(
        admin,
        page,
        f"{page}/sandi",
        {"password": "sandi-baru-rina", "password2": "sandi-baru-rinA"},
    )
    assert differ.status_code == 400
    assert (
        post_form(
            admin,
            page,
            f"{page}/sandi",
            {"password": "sandi-baru-rina", "password2": "sandi-baru-rina"},
        ).status_code
        == 303
    )
    assert staff_browser.get("/petugas/").status_code == 303  # the reset ended their session
    assert log_in(new_client(), account.email, "sandi-baru-rina").status_code == 303
    assert post_form(admin, page, f"{page}/aktif", {"active": "0"}).status_code == 303
    assert _user(account.email).active is False
    assert "Nonaktif" in admin.get(USERS).text
    assert log_in(new_client(), account.email, "sandi-baru-rina").status_code == 401


def test_the_last_admin_cannot_lock_everyone_out(make_account: MakeAccount) -> None:
    account = make_account("admin")
    admin = logged_in(account)
    page = f"{USERS}/{account.id}"
    refused = post_form(admin, page, f"{page}/aktif", {"active": "0"})
    assert refused.status_code == 400
    assert TEXTS.text("account_errors", "last_admin") in refused.text
    assert _user(account.email).active is True


def test_an_admin_edits_and_adds_response_templates(
    make_account: MakeAccount, templates: None
) -> None:
    admin = logged_in(make_account("admin"))
    page = "/petugas/admin/templat"
    html = admin.get(page).text
    first_id = re.search(r'name="id" value="(\d+)"', html)
    assert first_id and "Di luar Provinsi Lampung" in html
    added = post_form(
        admin,
        page,
        page,
        {
            "action": "resolve",
            "category": "jalan_rusak",
            "title": "Jalan sudah ditambal",
            "text": "Lubang jalan sudah ditambal oleh tim kami.",
            "active": "1",
        },
    )
    assert added.status_code == 303
    with transaction() as session:
        titles = [
            t.title
            for t in templates_for(session=session, action="resolve", category="jalan_rusak")
        ]
        assert "Jalan sudah ditambal" in titles
        assert "Jalan sudah ditambal" not in [
            t.title for t in templates_for(session=session, action="resolve", category="sampah")
        ]
    empty = post_form(admin, page, page, {"action": "reject", "title": "", "text": ""})
    assert empty.status_code == 400


def test_an_admin_adds_and_removes_a_staff_chat_and_reads_the_routing(
    make_account: MakeAccount,
) -> None:
    admin = logged_in(make_account("admin"))
    page = "/petugas/admin/rujukan"
    html = admin.get(page).text
    assert "Rute kategori ke instansi" in html and "Dinas Lingkungan Hidup" in html
    assert (
        post_form(
            admin, page, f"{page}/grup", {"chat_key": "-1001234", "region": "metro"}
        ).status_code
        == 303
    )
    again = post_form(admin, page, f"{page}/grup", {"chat_key": "-1001234", "region": "metro"})
    assert again.status_code == 400
    with transaction() as session:
        chat_id = session.scalars(select(StaffChat.id)).one()
    assert post_form(admin, page, f"{page}/grup/{chat_id}/hapus", {}).status_code == 303
    with transaction() as session:
        assert session.scalars(select(StaffChat)).all() == []


def test_an_admin_issues_and_revokes_an_open311_key(make_account: MakeAccount) -> None:
    admin = logged_in(make_account("admin"))
    page = "/petugas/admin/kunci-api"
    made = post_form(admin, page, page, {"name": "Aplikasi Kota Metro"})
    assert made.status_code == 200
    key = re.search(r'class="secret-key">(lpg_[^<]+)<', made.text)
    assert key, "the new key is shown once"
    assert key.group(1) not in admin.get(page).text  # never again
    form = {
        "api_key": key.group(1),
        "service_code": "sampah",
        "description": "sampah",
        "lat": "-5.1133",
        "long": "105.3067",
    }
    assert new_client().post("/open311/v2/requests.json", data=form).status_code == 200
    assert (
        post_form(admin, page, f"{page}/cabut", {"name": "Aplikasi Kota Metro"}).status_code == 303
    )
    assert "Dicabut" in admin.get(page).text
    assert new_client().post("/open311/v2/requests.json", data=form).status_code == 403
    operator = logged_in(make_account("operator", region="metro"))
    assert operator.get(page).status_code == 403
