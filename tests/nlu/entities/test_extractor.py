"""nlu.entities.extractor: all extractors together, overlap priority."""

from __future__ import annotations

from nlu.entities import extract_entities
from tests.nlu.entities.helpers import only


def test_time_beats_bare_ticket_number() -> None:
    text = "laporan saya 3 hari lalu belum ditanggapi"
    assert only(text, "ticket_number") == []
    assert only(text, "time") == [("-P3D", "3 hari lalu")]


def test_full_report() -> None:
    text = (
        "Min, jln teuku umar no 5 kota metro rusak parah sejak 3 hari lalu. "
        "NIK 1871012345670001, hp 0812-3456-7890"
    )
    got = [(e["entity"], e["value"], text[e["start"] : e["end"]]) for e in extract_entities(text)]
    assert got == [
        ("street", "Teuku Umar", "teuku umar"),
        ("region", "metro", "kota metro"),
        ("time", "-P3D", "sejak 3 hari lalu"),
        ("nik", "1871012345670001", "1871012345670001"),
        ("phone", "+6281234567890", "0812-3456-7890"),
    ]
    starts = [e["start"] for e in extract_entities(text)]
    assert starts == sorted(starts)


def test_empty_and_plain_text() -> None:
    assert extract_entities("") == []
    assert extract_entities("halo min, terima kasih") == []
