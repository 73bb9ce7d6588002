"""`python -m bot users add --email E --password-stdin`, `users set-password`,
`users deactivate|activate`: the accounts staff log in to the workspace with."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from bot.cli import main
from core.db import transaction
from tests.support.workspace_client import log_in, new_client
from tickets.models import StaffUser

EMAIL = "admin@lampungprov.go.id"


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def _add_admin(monkeypatch: pytest.MonkeyPatch, password: str = "kata-sandi-awal-1") -> int:
    _stdin(monkeypatch, password + "\n")
    return main(
        [
            "users",
            "add",
            "--name",
            "Admin Provinsi",
            "--role",
            "admin",
            "--email",
            EMAIL,
            "--password-stdin",
        ]
    )


def test_the_first_admin_is_made_from_the_command_line_and_logs_in(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _add_admin(monkeypatch) == 0
    assert "ditambahkan" in capsys.readouterr().out
    with transaction() as session:
        user = session.scalars(select(StaffUser)).one()
        hashed = user.password_hash or ""
        assert user.email == EMAIL and hashed.startswith("$argon2id$")
        assert "kata-sandi-awal-1" not in hashed
    assert log_in(new_client(), EMAIL, "kata-sandi-awal-1").status_code == 303
    assert main(["users", "list", "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["email"] == EMAIL and "password_hash" not in listed


def test_a_short_password_or_a_taken_email_is_refused(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _add_admin(monkeypatch, "pendek") == 1
    assert "minimal 10 karakter" in capsys.readouterr().err
    assert _add_admin(monkeypatch) == 0
    assert _add_admin(monkeypatch) == 1
    assert "sudah dipakai" in capsys.readouterr().err


def test_set_password_reads_standard_input_and_ends_old_sessions(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _add_admin(monkeypatch) == 0
    browser = new_client()
    assert log_in(browser, EMAIL, "kata-sandi-awal-1").status_code == 303
    assert main(["users", "set-password", "--email", EMAIL]) == 2  # never on the command line
    _stdin(monkeypatch, "kata-sandi-baru-22\n")
    assert main(["users", "set-password", "--email", EMAIL.upper(), "--password-stdin"]) == 0
    assert browser.get("/petugas/").status_code == 303
    assert log_in(new_client(), EMAIL, "kata-sandi-awal-1").status_code == 401
    assert log_in(new_client(), EMAIL, "kata-sandi-baru-22").status_code == 303
    _stdin(monkeypatch, "kata-sandi-baru-22\n")
    assert main(["users", "set-password", "--email", "x@y.id", "--password-stdin"]) == 1
    assert "Tidak ada pengguna" in capsys.readouterr().err


def test_deactivate_and_activate(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _add_admin(monkeypatch) == 0
    _stdin(monkeypatch, "kata-sandi-kedua-1\n")
    assert (
        main(
            [
                "users",
                "add",
                "--name",
                "Rina",
                "--role",
                "operator",
                "--region",
                "metro",
                "--email",
                "rina@lampungprov.go.id",
                "--password-stdin",
            ]
        )
        == 0
    )
    assert main(["users", "deactivate", "--email", "rina@lampungprov.go.id"]) == 0
    assert log_in(new_client(), "rina@lampungprov.go.id", "kata-sandi-kedua-1").status_code == 401
    assert main(["users", "activate", "--email", "rina@lampungprov.go.id"]) == 0
    assert log_in(new_client(), "rina@lampungprov.go.id", "kata-sandi-kedua-1").status_code == 303
    # The last active admin stays: someone must be able to log in and fix things.
    assert main(["users", "deactivate", "--email", EMAIL]) == 1
    assert "Admin aktif terakhir" in capsys.readouterr().err
