"""nlu.entities.pii: the one PII rule set (NIK and phone masks), and its two users."""

from __future__ import annotations

import pytest

from nlu.entities import mask_nik, mask_phone, mask_pii
from tickets.models import Citizen, Contact, Ticket
from tickets.serialize import reporter_to_dict


def test_mask_pii() -> None:
    text = "NIK 1871 0123 4567 0001 hp +62 812-3456-7889 / 081234567889, tiket LPG-2026-000001"
    assert mask_pii(text) == (
        "NIK 187101********** hp 0812******89 / 0812******89, tiket LPG-2026-000001"
    )
    assert mask_pii("NIK: 1871012345670001.") == "NIK: 187101**********."
    assert mask_pii("wa 0812 3456 789") == "wa 0812*****89"
    assert mask_pii("jalan rusak di jl. kartini no 12") == "jalan rusak di jl. kartini no 12"
    assert mask_pii("") == ""


def test_mask_nik() -> None:
    assert mask_nik("1871012345670001") == "187101**********"
    assert mask_nik("1871012345670001", keep_head=4) == "1871************"


@pytest.mark.parametrize(
    ("phone", "national", "masked"),
    [
        ("+6281234567890", True, "0812******90"),
        ("+6281234567890", False, "+6281*******90"),
        ("6281234567890", False, "6281*******90"),  # a WhatsApp id
        ("081234567890", False, "0812******90"),
        ("081234567890", True, "0812******90"),  # already national
        ("+62 812-3456-7890", False, "+62 81*-****-**90"),  # separators stay
        ("12345", False, "12345"),  # too short to hide anything
    ],
)
def test_mask_phone(phone: str, national: bool, masked: str) -> None:
    assert mask_phone(phone, national=national) == masked


def test_mask_phone_counts() -> None:
    masked = mask_phone("+6281234567890", national=True, keep_head=2, keep_tail=0)
    assert masked == "08**********"


def _confidential_reporter(e164: str) -> dict[str, object]:
    """What an operator sees of a WhatsApp reporter of a confidential ticket."""
    contact = Contact(channel="whatsapp", user_key=e164.removeprefix("+"), phone=e164)
    ticket = Ticket(citizen=Citizen(display_name="Warga", contacts=[contact]), confidential=True)
    contacts = reporter_to_dict(ticket, masked=True)["contacts"]
    assert isinstance(contacts, list)
    return dict(contacts[0])


def _typed(e164: str) -> list[str]:
    national = "0" + e164[3:]
    return [
        e164,
        national,
        e164[1:],
        f"{national[:4]}-{national[4:8]}-{national[8:]}",
        f"+62 {e164[3:6]} {e164[6:10]} {e164[10:]}",
    ]


@pytest.mark.parametrize("e164", ["+6281234567890", "+628123456789", "+62856123456789"])
def test_logs_and_operator_view_mask_a_phone_by_one_rule(e164: str) -> None:
    """Fails if tickets.serialize and mask_pii ever mask a number differently.

    Both are `mask_phone`; they differ only in the spelling shown (`national`).
    """
    logged = mask_phone(e164, national=True)
    for typed in _typed(e164):
        assert mask_pii(f"hp {typed} ya") == f"hp {logged} ya", typed
    shown = mask_phone(e164, national=False)
    assert _confidential_reporter(e164) == {
        "channel": "whatsapp",
        "user_key": shown.removeprefix("+"),
        "phone": shown,
    }
    # Same rule on the same spelling gives the same mask ...
    assert mask_phone("0" + e164[3:], national=False) == logged
    # ... and the operator never sees a digit the log hides.
    as_national = "0" + shown[3:]
    assert len(as_national) == len(logged)
    for op_char, log_char in zip(as_national, logged, strict=True):
        assert op_char == "*" or op_char == log_char


def test_known_masks_of_both_places() -> None:
    assert mask_pii("hp 081234567890") == "hp 0812******90"
    assert _confidential_reporter("+6281234567890")["phone"] == "+6281*******90"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("email budi.santoso@gmail.com ya", "email b***@gmail.com ya"),
        ("Kirim ke Siti_N+lapor@mail.lampungprov.go.id.", "Kirim ke S***@mail.lampungprov.go.id."),
        # A number inside an address is masked with the address, once.
        ("081234567890@yahoo.co.id", "0***@yahoo.co.id"),
        (
            "bukan alamat: budi@localhost, @budi, a@b.c",
            "bukan alamat: budi@localhost, @budi, a@b.c",
        ),
    ],
)
def test_mask_pii_email(text: str, masked: str) -> None:
    assert mask_pii(text) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # After an explicit introduction: whatever the case, up to a stop word or a comma.
        ("nama saya Budi Santoso, warga Rajabasa", "nama saya B*** S***, warga Rajabasa"),
        ("Nama saya: budi santoso dari way halim", "Nama saya: b*** s*** dari way halim"),
        ("namaku rina.", "namaku r***."),
        ("perkenalkan nama saya Andi", "perkenalkan nama saya A***"),
        ("saya bernama Ahmad Fauzi Rahman Hakim", "saya bernama A*** F*** R*** Hakim"),  # max 3
        ("nama saya ibu siti aminah mau lapor", "nama saya ibu s*** a*** mau lapor"),  # title kept
        ("transfer a.n. budi santoso ke rek 123", "transfer a.n. b*** s*** ke rek 123"),
        ("a/n Siti-Nur", "a/n S***"),
        # After "saya"/"aku"/"atas nama": only Capitalised words.
        ("saya Siti mau lapor jalan rusak", "saya S*** mau lapor jalan rusak"),
        ("Saya Budi\nJalan rusak", "Saya B***\nJalan rusak"),
        ("SAYA BUDI MAU LAPOR", "SAYA B*** MAU LAPOR"),
        ("uang atas nama Joko Widodo", "uang atas nama J*** W***"),
        ("saya Pak Budi", "saya Pak B***"),
        # Not a name.
        ("saya mau lapor", "saya mau lapor"),
        ("Saya melihat jalan rusak", "Saya melihat jalan rusak"),
        ("Saya Warga Rajabasa", "Saya Warga Rajabasa"),
        ("Saya Kepala Desa", "Saya Kepala Desa"),
        ("pungutan atas nama kelurahan", "pungutan atas nama kelurahan"),
        ("kata saya, Budi datang", "kata saya, Budi datang"),
        ("Budi Santoso minta uang Rp50.000", "Budi Santoso minta uang Rp50.000"),  # no intro
        ("rumahsaya Budi", "rumahsaya Budi"),
        ("nama saya", "nama saya"),
    ],
)
def test_mask_pii_names_the_writer_gives(text: str, masked: str) -> None:
    assert mask_pii(text) == masked


def test_mask_pii_everything_at_once() -> None:
    text = (
        "Nama saya Budi Santoso, NIK 1871012345670001, hp 081234567890, "
        "email budi@gmail.com. Oknum minta Rp 50.000."
    )
    assert mask_pii(text) == (
        "Nama saya B*** S***, NIK 187101**********, hp 0812******90, "
        "email b***@gmail.com. Oknum minta Rp 50.000."
    )


def test_names_are_not_looked_for_without_their_rules() -> None:
    from nlu.entities import PiiRules

    rules = PiiRules()
    assert rules.mask("nama saya Budi, budi@gmail.com", []) == "nama saya Budi, b***@gmail.com"
