"""What the slot modules of the complaint form share."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rasa_sdk import Tracker

MIN_DESCRIPTION_CHARS = 10
MAX_DESCRIPTION_CHARS = 4000
# Intents of a text that tells more of the problem (a question or a "yes" does not).
FREE_TEXT_INTENTS = {"lapor", "nlu_fallback", "out_of_scope", "inform"}


def requested(tracker: Tracker) -> str | None:
    """The slot the form is asking for now."""
    return tracker.get_slot("requested_slot")


def plain(text: str) -> str:
    """Lowercase words only: what the word lists of the form are matched against."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def phrase_pattern(phrases: Iterable[object]) -> re.Pattern[str]:
    """Any of `phrases` as whole words (longest first), on a plain() text."""
    ordered = sorted((str(w).lower() for w in phrases), key=len, reverse=True)
    alternation = "|".join(r"\s+".join(map(re.escape, w.split())) for w in ordered)
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")
