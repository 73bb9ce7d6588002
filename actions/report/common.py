"""What the slot modules of the complaint form share."""

from __future__ import annotations

from rasa_sdk import Tracker

MIN_DESCRIPTION_CHARS = 10
MAX_DESCRIPTION_CHARS = 4000


def requested(tracker: Tracker) -> str | None:
    """The slot the form is asking for now."""
    return tracker.get_slot("requested_slot")
