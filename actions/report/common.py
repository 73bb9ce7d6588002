"""What the slot modules of the complaint form share."""

from __future__ import annotations

from rasa_sdk import Tracker

MIN_DESCRIPTION_CHARS = 10
MAX_DESCRIPTION_CHARS = 4000
# Intents of a text that tells more of the problem (a question or a "yes" does not).
FREE_TEXT_INTENTS = {"lapor", "nlu_fallback", "out_of_scope", "inform"}


def requested(tracker: Tracker) -> str | None:
    """The slot the form is asking for now."""
    return tracker.get_slot("requested_slot")
