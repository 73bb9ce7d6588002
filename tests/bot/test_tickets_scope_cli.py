"""`tickets show|list --as ID`: the viewer's scope, and a confidential report's
personal data masked for every staff viewer (issue 13)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.cli import main
from core.db import transaction
from tests import factories
from tickets.models import Ticket

PII = (
    "Nama saya Budi Santoso, NIK 1871012345670001, hp 081234567890, email budi@gmail.com. "
    "Oknum di loket minta uang Rp 50.000"
)
MASKED = (
    "Nama saya B*** S***, NIK 187101**********, hp 0812******90, email b***@gmail.com. "
    "Oknum di loket minta uang Rp 50.000"
)
SECRETS = ("Budi Santoso", "1871012345670001", "081234567890", "budi@gmail.com")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = _run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def _world() -> dict[str, Any]:
    """Three tickets and one staff member of each kind; ids and numbers by name."""
    with transaction() as s:
        reporter = factories.citizen(session=s, name="Budi Santoso", phone="+6281234567890")
        rubbish = factories.ticket(session=s, category="sampah", status="forwarded")  # to dlh
        secret = factories.ticket(session=s, citizen=reporter, category="pungli",
                                  confidential=True, description=PII,
                                  status="forwarded")  # to inspektorat  # fmt: skip
        secret.rating_comment = "terima kasih, saya Budi, wa 081234567890"
        metro = factories.ticket(session=s, category="sampah", region="metro")
        staff = {
            "op_bdl": factories.staff(session=s, role="operator", region="bandar_lampung"),
            "op_prov": factories.staff(session=s, role="operator"),
            "coord_metro": factories.staff(session=s, role="coordinator", region="metro"),
            "dlh_bdl": factories.staff(
                session=s, role="agency", agency="dlh", region="bandar_lampung"
            ),
            "dlh_metro": factories.staff(session=s, role="agency", agency="dlh", region="metro"),
            "inspektorat": factories.staff(session=s, role="agency_head", agency="inspektorat"),
            "leader": factories.staff(session=s, role="leader"),
            "admin": factories.staff(session=s, role="admin"),
            "retired": factories.staff(session=s, role="admin", active=False),
        }
        return {
            "tickets": {
                "rubbish": rubbish.number,
                "secret": secret.number,
                "metro": metro.number,
            },
            "staff": {name: str(user.id) for name, user in staff.items()},
        }


# Who sees which of the three tickets.
SCOPES = {
    "op_bdl": {"rubbish", "secret"},
    "op_prov": {"rubbish", "secret", "metro"},
    "coord_metro": {"metro"},
    "dlh_bdl": {"rubbish"},
    "dlh_metro": set(),
    "inspektorat": {"secret"},
    "leader": {"rubbish", "secret", "metro"},
    "admin": {"rubbish", "secret", "metro"},
    "retired": set(),
}


def test_show_and_list_keep_to_the_viewers_scope(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    world = _world()
    tickets, staff = world["tickets"], world["staff"]
    _, _, missing = _run(capsys, "tickets", "show", "LPG-2026-999999")
    for name, visible in SCOPES.items():
        listed = {t["number"] for t in _json(capsys, "tickets", "list", "--as", staff[name])}
        assert listed == {tickets[t] for t in visible}, name
        for ticket, number in tickets.items():
            code, out, err = _run(capsys, "tickets", "show", number, "--as", staff[name])
            if ticket in visible:
                assert code == 0 and number in out, (name, ticket)
            else:
                # Exactly what a missing ticket gets: its existence is not told.
                assert (code, out) == (1, ""), (name, ticket)
                assert err == missing.replace("LPG-2026-999999", number), (name, ticket)
    # Without --as (the local admin CLI): everything.
    assert len(_json(capsys, "tickets", "list")) == 3
    code, _, err = _run(capsys, "tickets", "list", "--as", "99999")
    assert code == 1 and "99999" in err


def test_plain_list_output_keeps_to_the_scope(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    world = _world()
    code, out, _ = _run(capsys, "tickets", "list", "--as", world["staff"]["coord_metro"])
    assert code == 0 and out.count("LPG-") == 1 and world["tickets"]["metro"] in out


@pytest.mark.parametrize("viewer", ["op_bdl", "op_prov", "inspektorat", "leader", "admin"])
def test_a_confidential_description_is_masked_for_every_staff_viewer(
    db: str, capsys: pytest.CaptureFixture[str], viewer: str
) -> None:
    world = _world()
    number, who = world["tickets"]["secret"], world["staff"][viewer]
    shown = _json(capsys, "tickets", "show", number, "--as", who)
    [listed] = [t for t in _json(capsys, "tickets", "list", "--as", who) if t["number"] == number]
    assert shown["rating_comment"] == "terima kasih, saya B***, wa 0812******90"
    for view in (shown, listed):  # a list row carries no comment, no history
        assert view["description"] == MASKED
        # Who reported it is the reporter field's business (below).
        text = json.dumps({**view, "reporter": None}, ensure_ascii=False)
        for secret in SECRETS:
            assert secret not in text, (viewer, secret)
    code, out, _ = _run(capsys, "tickets", "show", number, "--as", who)  # the plain view too
    assert code == 0 and MASKED in out and "Budi Santoso" not in out
    # Operators and admins still see who reported it (today's rule: the name, the
    # number masked); agency staff and leaders do not.
    if viewer in ("op_bdl", "op_prov", "admin"):
        assert shown["reporter"]["name"] == "Budi Santoso"
        assert [c["phone"] for c in shown["reporter"]["contacts"]] == ["+6281*******90"]
    else:
        assert shown["reporter"] == "(dirahasiakan)" and shown["citizen_id"] is None


def test_the_local_admin_cli_and_open_tickets_show_the_text_whole(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    world = _world()
    number = world["tickets"]["secret"]
    assert _json(capsys, "tickets", "show", number)["description"] == PII
    [whole] = [t for t in _json(capsys, "tickets", "list") if t["number"] == number]
    assert whole["description"] == PII
    # Not confidential: shown as written, to staff too.
    with transaction() as s:
        ticket = s.query(Ticket).filter_by(number=world["tickets"]["rubbish"]).one()
        ticket.description = PII
    rubbish = _json(capsys, "tickets", "show", world["tickets"]["rubbish"], "--as",
                    world["staff"]["dlh_bdl"])  # fmt: skip
    assert rubbish["description"] == PII
