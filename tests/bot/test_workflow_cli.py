"""`python -m bot users ...` and the workflow actions on `python -m bot tickets ...`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from core.db import transaction
from tests import factories


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = _run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def _ticket(
    category: str, *, confidential: bool = False, channel: str = "telegram",
    user_key: str = "chat-rahasia-q7", phone: str | None = None, status: str | None = None,
) -> str:  # fmt: skip
    with transaction() as session:
        # `phone`: what the WhatsApp channel tells (its user key is the number).
        citizen = factories.citizen(session=session, channel=channel, user_key=user_key,
                                    phone=phone, name="Pelapor Rahasia")  # fmt: skip
        return factories.ticket(session=session, citizen=citizen, category=category,
                                confidential=confidential, status=status).number  # fmt: skip


def test_users_and_a_ticket_through_its_life(
    db: str, capsys: pytest.CaptureFixture[str], make_image: Any, tmp_path: Path
) -> None:
    photo = make_image(tmp_path / "selesai.jpg", fmt="JPEG")
    assert _run(capsys, "users", "add", "--name", "Op BDL", "--role", "operator",
                "--region", "bandar_lampung")[0] == 0  # fmt: skip
    assert _run(capsys, "users", "add", "--name", "Staf DLH", "--role", "agency",
                "--region", "bandar_lampung", "--agency", "dlh")[0] == 0  # fmt: skip
    code, _, err = _run(capsys, "users", "add", "--name", "X", "--role", "agency")
    assert code == 1 and "--agency" in err
    users = _json(capsys, "users", "list")
    operator, staff = (u["id"] for u in users)

    number = _ticket("sampah")
    [row] = _json(capsys, "tickets", "queue", "--region", "bandar_lampung")
    assert (row["number"], row["agency"], row["status"]) == (number, "dlh", "new")

    code, _, err = _run(capsys, "tickets", "accept", number, "--as", str(staff))
    assert code == 1 and "bukan wewenang" in err  # not in DLH's queue until forwarded
    assert _run(capsys, "tickets", "forward", number, "--as", str(operator),
                "--agency", "dlh")[0] == 0  # fmt: skip
    assert _run(capsys, "tickets", "accept", number, "--as", str(staff))[0] == 0
    code, out, _ = _run(capsys, "tickets", "resolve", number, "--as", str(staff),
                        "--note", "sudah diangkut", "--photo", str(photo))  # fmt: skip
    assert code == 0 and "in_progress -> resolved" in out
    data = _json(capsys, "tickets", "show", number)
    assert [e["kind"] for e in data["events"]] == ["created", "forward", "accept", "resolve"]
    assert data["photos"]["count"] == 1 and data["events"][-1]["data"]["photo_ids"]
    assert data["events"][1]["actor"] == f"operator:{operator}"
    assert _json(capsys, "tickets", "queue", "--region", "bandar_lampung") == []


def test_confidential_reporter_is_hidden_from_agency_staff(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(capsys, "users", "add", "--name", "Op", "--role", "operator", "--region", "bandar_lampung")
    _run(capsys, "users", "add", "--name", "Inspektur", "--role", "agency",
         "--region", "bandar_lampung", "--agency", "inspektorat")  # fmt: skip
    operator, inspector = (u["id"] for u in _json(capsys, "users", "list"))
    # Forwarded to the inspectorate: in its scope (tickets.scope).
    number = _ticket("pungli", confidential=True, status="forwarded")

    as_operator = _json(capsys, "tickets", "show", number, "--as", str(operator))
    assert as_operator["reporter"]["name"] == "Pelapor Rahasia"
    assert as_operator["reporter"]["contacts"][0]["user_key"] == "chat-rahasia-q7"

    as_agency = _json(capsys, "tickets", "show", number, "--as", str(inspector))
    text = json.dumps(as_agency)
    assert as_agency["reporter"] == "(dirahasiakan)" and as_agency["citizen_id"] is None
    assert "Pelapor Rahasia" not in text and "chat-rahasia-q7" not in text
    assert all(not e["actor"].startswith("citizen:") for e in as_agency["events"])


def test_whatsapp_number_is_masked_for_operators_when_confidential(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(capsys, "users", "add", "--name", "Op", "--role", "operator", "--region", "bandar_lampung")
    [operator] = (u["id"] for u in _json(capsys, "users", "list"))
    wa, number = "6281234567890", "+6281234567890"
    secret = _ticket("pungli", confidential=True, channel="whatsapp", user_key=wa, phone=number)
    open_ticket = _ticket("sampah", channel="whatsapp", user_key=wa, phone=number)

    [contact] = _json(capsys, "tickets", "show", secret, "--as", str(operator))["reporter"][
        "contacts"
    ]
    assert contact == {"channel": "whatsapp", "user_key": "6281*******90",
                       "phone": "+6281*******90"}  # fmt: skip
    # Not confidential: the operator can call back; the local admin CLI sees all.
    [plain] = _json(capsys, "tickets", "show", open_ticket, "--as", str(operator))["reporter"][
        "contacts"
    ]
    assert plain["phone"] == "+6281234567890"
    admin_view = _json(capsys, "tickets", "show", secret)["reporter"]["contacts"][0]
    assert admin_view["user_key"] == "6281234567890"


def test_unknown_staff_or_ticket(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    number = _ticket("sampah")
    code, _, err = _run(capsys, "tickets", "forward", number, "--as", "999", "--agency", "dlh")
    assert code == 1 and "#999" in err
    _run(capsys, "users", "add", "--name", "Op", "--role", "operator")
    [user] = _json(capsys, "users", "list")
    code, _, err = _run(capsys, "tickets", "forward", "LPG-2026-999999", "--as", str(user["id"]))
    assert code == 1 and "tidak ditemukan" in err


def test_telegram_flags_register_contacts_and_chats(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import select

    from tickets.models import StaffChat, StaffContact

    code, out, _ = _run(capsys, "users", "add", "--name", "Rina", "--role", "operator",
                        "--region", "bandar_lampung", "--telegram-id", "5551234")  # fmt: skip
    users = _json(capsys, "users", "list")
    assert code == 0 and out == f"Pengguna #{users[0]['id']} (operator) ditambahkan.\n"
    _run(capsys, "users", "add", "--name", "Tanpa chat", "--role", "leader")
    users = _json(capsys, "users", "list")
    assert [u["telegram_user_id"] for u in users] == [5551234, None]

    code, out, _ = _run(capsys, "chats", "add", "--chat-id", "-1004001",
                        "--region", "bandar_lampung")  # fmt: skip
    assert code == 0 and out == "Chat -1004001 terdaftar.\n"
    assert _json(capsys, "chats", "list") == [
        {"chat_id": -1004001, "region": "bandar_lampung", "agency": None}
    ]
    code, out, _ = _run(capsys, "chats", "list")
    assert out.split() == ["-1004001", "bandar_lampung", "operator"]
    with transaction() as session:
        [contact] = session.scalars(select(StaffContact)).all()
        assert (contact.channel, contact.user_key) == ("telegram", "5551234")
        assert contact.staff_id == users[0]["id"]
        [chat] = session.scalars(select(StaffChat)).all()
        assert (chat.channel, chat.chat_key) == ("telegram", "-1004001")
