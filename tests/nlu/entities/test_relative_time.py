"""nlu.entities.relative_time: relative past times."""

from __future__ import annotations

import pytest

from tests.nlu.entities.helpers import only


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("kemarin", "-P1D", "kemarin"),
        ("Kemaren lampu mati", "-P1D", "Kemaren"),
        ("kmrn", "-P1D", "kmrn"),
        ("kemarin lusa", "-P2D", "kemarin lusa"),
        ("tadi pagi", "today_morning", "tadi pagi"),
        ("tadi  siang", "today_midday", "tadi  siang"),
        ("tadi sore", "today_afternoon", "tadi sore"),
        ("tadi malam", "today_evening", "tadi malam"),
        ("semalam hujan", "last_night", "semalam"),
        ("tadi udah lapor", "today_earlier", "tadi"),
        ("barusan", "just_now", "barusan"),
        ("minggu lalu", "-P1W", "minggu lalu"),
        ("bulan lalu", "-P1M", "bulan lalu"),
        ("3 hari lalu", "-P3D", "3 hari lalu"),
        ("3 hari yang lalu", "-P3D", "3 hari yang lalu"),
        ("2 minggu yg lalu", "-P2W", "2 minggu yg lalu"),
        ("dua bulan lalu", "-P2M", "dua bulan lalu"),
        ("seminggu yang lalu", "-P1W", "seminggu yang lalu"),
        ("udah seminggu", "-P1W", "udah seminggu"),
        ("sudah sebulan lebih", "-P1M", "sudah sebulan"),
        ("sejak 5 hari", "-P5D", "sejak 5 hari"),
        ("sejak 3 hari lalu", "-P3D", "sejak 3 hari lalu"),
        ("udh hampir seminggu", "-P1W", "udh hampir seminggu"),
        ("2 jam lalu", "-PT2H", "2 jam lalu"),
        ("30 menit lalu", "-PT30M", "30 menit lalu"),
        ("setahun lalu", "-P1Y", "setahun lalu"),
    ],
)
def test_time(text: str, value: str, surface: str) -> None:
    assert only(text, "time") == [(value, surface)]


@pytest.mark.parametrize(
    "text",
    [
        "tunggu 3 hari ya",
        "3 hari lagi",
        "seminggu sekali",
        "hari minggu",
        "lalu lintas macet",
        "jalan rusak",
        "tadinya",
        "kemarau panjang",
        "sudah 0 hari",
    ],
)
def test_no_time(text: str) -> None:
    assert only(text, "time") == []
