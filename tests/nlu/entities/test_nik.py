"""nlu.entities.nik: 16-digit NIKs, grouped or not."""

from __future__ import annotations

import pytest

from tests.nlu.entities.helpers import only


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("NIK saya 1871012345670001", "1871012345670001"),
        ("nik: 1871 0123 4567 0001.", "1871 0123 4567 0001"),
        ("1871.0123.4567.0001", "1871.0123.4567.0001"),
        ("187101-234567-0001 ya", "187101-234567-0001"),
        ("hp 081234567890 1871012345670001", "1871012345670001"),
    ],
)
def test_nik(text: str, surface: str) -> None:
    value = "".join(ch for ch in surface if ch.isdigit())
    assert only(text, "nik") == [(value, surface)]
    # The NIK itself is never also read as a phone number.
    assert all(surface not in s for _, s in only(text, "phone"))


@pytest.mark.parametrize(
    "text",
    [
        "18710123456700012",  # 17 digits
        "187101234567000",  # 15 digits
        "1871 0123 4567 0001 2",  # longer grouped run
        "x1871012345670001",
        "0871012345670001",  # no province code 0x
        "LPG-2026-000123",
    ],
)
def test_no_nik(text: str) -> None:
    assert only(text, "nik") == []
