"""nlu.entities.keywords: emergency words (`darurat`)."""

from __future__ import annotations

import pytest

from nlu.entities import extract_entities


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("tolong ada yg kecelakaan motor di jln soekarno hatta", ["kecelakaan"]),
        ("RUMAH TERBAKAR di way halim!!", ["kebakaran"]),
        ("anak hanyut di kali, ada yg pingsan", ["tenggelam", "medis"]),
        ("baru aja dibegal di jalan lintas", ["kejahatan"]),
        ("jalan rusak parah di depan sdn 2", []),
        ("kebakaranan", []),  # whole words only
    ],
)
def test_emergency_words_are_flagged(text: str, kinds: list[str]) -> None:
    found = [e for e in extract_entities(text) if e["entity"] == "darurat"]
    assert [e["value"] for e in found] == kinds
    for e in found:
        assert text[e["start"] : e["end"]].casefold() in text.casefold()
