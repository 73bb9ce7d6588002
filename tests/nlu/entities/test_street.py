"""nlu.entities.street: the name after jl./jln./jalan."""

from __future__ import annotations

import pytest

from tests.nlu.entities.helpers import only


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("jln teuku umar no 5", "Teuku Umar", "teuku umar"),
        ("Jl. Kartini rusak", "Kartini", "Kartini"),
        ("jl.kartini no 12", "Kartini", "kartini"),
        ("jl ZA Pagar Alam, Rajabasa", "ZA Pagar Alam", "ZA Pagar Alam"),
        ("jalan raya hajimena dekat indomaret", "Raya Hajimena", "raya hajimena"),
        ("JALAN PANGERAN ANTASARI depan masjid", "Pangeran Antasari", "PANGERAN ANTASARI"),
        ("jln. sultan agung bandar lampung", "Sultan Agung", "sultan agung"),
        ("jl. h. agus salim. lampunya mati", "H. Agus Salim", "h. agus salim"),
        ("lampu jalan kartini mati sejak kemarin", "Kartini", "kartini"),
        ("di jl. imam bonjol samping sekolah", "Imam Bonjol", "imam bonjol"),
        ("jl. wolter monginsidi rt 03", "Wolter Monginsidi", "wolter monginsidi"),
        ("jl. ratu dibalau arah way halim", "Ratu Dibalau", "ratu dibalau"),
        ("jl raya metro", "Raya Metro", "raya metro"),
    ],
)
def test_street(text: str, value: str, surface: str) -> None:
    assert only(text, "street") == [(value, surface)]


@pytest.mark.parametrize(
    "text",
    [
        "jalan rusak parah",
        "jalannya berlubang",
        "jalan kaki ke pasar",
        "jalan raya rusak",
        "jalan di depan rumah ambles",
        "jalan-jalan ke pantai",
        "jalan desa becek",
        "jalan tol macet",
        "saya jalan pulang",
        "jl. rusak",
        "perjalanan lancar",
    ],
)
def test_no_street(text: str) -> None:
    assert only(text, "street") == []
