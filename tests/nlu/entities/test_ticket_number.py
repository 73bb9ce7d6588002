"""nlu.entities.ticket_number: ticket numbers among the other entities."""

from __future__ import annotations

import pytest

from tests.nlu.entities.helpers import only


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("cek LPG-2026-000001", "LPG-2026-000001", "LPG-2026-000001"),
        ("cek tiket 123", "123", "123"),
        ("tiket 2026-77 belum ada kabar", "LPG-2026-000077", "2026-77"),
        ("Min, CEK dong LPG-2026-000321 udh seminggu!!", "LPG-2026-000321", "LPG-2026-000321"),
    ],
)
def test_ticket_numbers_still_work(text: str, value: str, surface: str) -> None:
    assert only(text, "ticket_number") == [(value, surface)]
