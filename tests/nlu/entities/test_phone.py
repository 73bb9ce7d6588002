"""nlu.entities.phone: Indonesian mobile numbers -> E.164."""

from __future__ import annotations

import pytest

from tests.nlu.entities.helpers import only


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("hp 081234567890", "+6281234567890", "081234567890"),
        ("wa 0812-3456-7890 ya", "+6281234567890", "0812-3456-7890"),
        ("0812 3456 789", "+628123456789", "0812 3456 789"),
        ("+62 812 3456 7890", "+6281234567890", "+62 812 3456 7890"),
        ("+6281234567890", "+6281234567890", "+6281234567890"),
        ("62 812-3456-7890", "+6281234567890", "62 812-3456-7890"),
        ("hub 0856.1234.567", "+628561234567", "0856.1234.567"),
        ("no 081234567890 1871012345670001", "+6281234567890", "081234567890"),
    ],
)
def test_phone(text: str, value: str, surface: str) -> None:
    assert only(text, "phone") == [(value, surface)]


@pytest.mark.parametrize(
    "text",
    [
        "1871012345670001",  # NIK
        "1871 0812 3456 7890",  # NIK containing 0812...
        "6281234567890123",  # NIK-length run starting 628
        "0812345",  # too short
        "081234567890123",  # too long
        "LPG-2026-000123",
        "cek tiket 123",
        "021 1234 5678",  # landline
        "harga 1.500.000",
    ],
)
def test_no_phone(text: str) -> None:
    assert only(text, "phone") == []
