"""dialogue.messages.split_text: parts within the limit, never cut inside a grapheme."""

from __future__ import annotations

import pytest

from dialogue.messages import split_text


def test_lines_are_joined_up_to_the_limit() -> None:
    assert split_text("aaa\nbbb\nccc", 7) == ["aaa\nbbb", "ccc"]
    assert split_text("", 10) == [""]


@pytest.mark.parametrize(
    ("grapheme", "units"),
    [
        ("e\u0301", 2),  # e + combining acute
        ("👍🏽", 2),  # thumbs up + skin tone
        ("👨\u200d👩\u200d👧", 5),  # a family: three emoji joined by ZWJ
        ("🇮🇩", 2),  # a flag: two regional indicators
        ("❤\ufe0f", 2),  # heart + emoji presentation selector
    ],
)
def test_a_long_line_is_never_cut_inside_a_grapheme(grapheme: str, units: int) -> None:
    for prefix in range(units + 1):  # every offset of the grapheme against the limit
        line = "x" * prefix + grapheme * 20
        parts = split_text(line, 7)
        assert "".join(parts) == line
        assert all(len(p) <= 7 for p in parts)
        for part in parts:
            rest = part.lstrip("x")
            assert len(rest) % units == 0 and rest == grapheme * (len(rest) // units)


def test_costs_count_what_the_channel_counts() -> None:
    amp = lambda ch: 5 if ch == "&" else 1  # noqa: E731
    parts = split_text("a&b&c&d", 8, cost=amp)
    assert parts == ["a&b", "&c", "&d"]
    assert all(sum(amp(ch) for ch in p) <= 8 for p in parts)


def test_one_grapheme_over_the_limit_is_still_cut_somewhere() -> None:
    assert "".join(split_text("e\u0301\u0301\u0301", 2)) == "e\u0301\u0301\u0301"
