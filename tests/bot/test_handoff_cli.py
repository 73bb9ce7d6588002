"""`python -m bot handoff list|reply|close`: staff answer citizens who asked for a person."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from bot.cli import main
from core.db import transaction
from tests import factories
from tickets.handoff import ANSWER_RESPONSE, CLOSED_RESPONSE, request_handoff
from tickets.models import Notification


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _list(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = _run(capsys, "handoff", "list", "--json", *argv)
    assert code == 0, err
    return json.loads(out)


def _setup() -> dict[str, int]:
    with transaction() as session:
        ids = {
            "bdl": factories.staff(session=session, region="bandar_lampung").id,
            "metro": factories.staff(session=session, region="metro").id,
            "admin": factories.staff(session=session, role="admin").id,
        }
        asks = (("w-bdl", "bandar_lampung", "lampu jalan mati, mau tanya petugas"),
                ("w-metro", "metro", "mau bicara dengan petugas"))  # fmt: skip
        for user_key, region, text in asks:
            request = request_handoff(session=session, channel="telegram", user_key=user_key,
                                      texts=[text], region_code=region)  # fmt: skip
            ids[user_key] = request.request.id
        return ids


def _to_citizen() -> list[Notification]:
    with transaction() as session:
        rows = list(
            session.scalars(
                select(Notification)
                .where(Notification.response.in_((ANSWER_RESPONSE, CLOSED_RESPONSE)))
                .order_by(Notification.id)
            )
        )
        session.expunge_all()
        return rows


def test_list_reply_and_close(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    ids = _setup()
    code, out, _ = _run(capsys, "handoff", "list")
    assert code == 0
    assert f"#{ids['w-bdl']}" in out and "Kota Bandar Lampung" in out and "lampu jalan mati" in out
    assert [r["id"] for r in _list(capsys, "--as", str(ids["bdl"]))] == [ids["w-bdl"]]
    assert len(_list(capsys, "--status", "open")) == 2

    code, out, err = _run(capsys, "handoff", "reply", str(ids["w-bdl"]), "--as", str(ids["bdl"]),
                          "Lampu akan diperbaiki besok pagi.")  # fmt: skip
    assert code == 0, err
    assert f"#{ids['w-bdl']}" in out
    [answer] = _to_citizen()
    assert (answer.channel, answer.user_key) == ("telegram", "w-bdl")
    assert answer.variables["jawaban"] == "Lampu akan diperbaiki besok pagi."
    assert [r["id"] for r in _list(capsys, "--status", "open")] == [ids["w-metro"]]
    [answered] = _list(capsys, "--status", "answered")
    assert answered["answered_by"] == ids["bdl"]
    assert [m["author"] for m in answered["messages"]] == ["citizen", "staff"]

    # A second answer, closing the exchange.
    code, _, err = _run(capsys, "handoff", "reply", str(ids["w-bdl"]), "--as", str(ids["bdl"]),
                        "Sudah diperbaiki.", "--close")  # fmt: skip
    assert code == 0, err
    assert [n.response for n in _to_citizen()] == [ANSWER_RESPONSE, ANSWER_RESPONSE,
                                                   CLOSED_RESPONSE]  # fmt: skip
    code, _, err = _run(capsys, "handoff", "close", str(ids["w-bdl"]), "--as", str(ids["admin"]))
    assert code == 1 and "sudah ditutup" in err
    code, out, err = _run(
        capsys, "handoff", "close", str(ids["w-metro"]), "--as", str(ids["admin"])
    )
    assert code == 0, err
    assert {r["status"] for r in _list(capsys)} == {"closed"}
    code, out, _ = _run(capsys, "handoff", "list", "--status", "open")
    assert code == 0 and out.strip() == "Belum ada permintaan."


def test_refusals(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    ids = _setup()
    code, _, err = _run(capsys, "handoff", "reply", str(ids["w-bdl"]), "--as", str(ids["metro"]),
                        "bukan wilayah saya")  # fmt: skip
    assert code == 1 and "bukan wewenang Anda" in err and "Kota Bandar Lampung" in err
    code, _, err = _run(capsys, "handoff", "reply", "9999", "--as", str(ids["admin"]), "halo")
    assert code == 1 and "#9999 tidak ditemukan" in err
    code, _, err = _run(capsys, "handoff", "reply", str(ids["w-bdl"]), "--as", "424242", "halo")
    assert code == 1 and "#424242" in err
    code, _, err = _run(capsys, "handoff", "list", "--as", "424242")
    assert code == 1 and "#424242" in err
    assert _to_citizen() == []  # nothing reached a citizen
    with pytest.raises(SystemExit):  # the answering staff member must be named
        main(["handoff", "reply", str(ids["w-bdl"]), "tanpa --as"])
