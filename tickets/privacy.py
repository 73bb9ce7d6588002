"""What staff see of a confidential report (pungli, or sent with "Kirim rahasia").

Two rules, one place (UU PDP 27/2022):

- Who reported it: operators and admins see the reporter, with phone numbers
  masked (they may need to call back); agency staff and leaders do not
  (`reporter_visible`, applied by tickets.serialize).
- What the reporter wrote (the description, their comments): NIK, phone numbers,
  e-mail addresses and the names they gave for themselves are masked with the one
  PII rule (nlu.entities.pii.mask_pii) for every staff member, staff chat and
  export (`text_for`). Only the local admin CLI (no viewer) sees the text whole.

A non-confidential ticket is shown as written.
"""

from __future__ import annotations

from typing import Protocol

from nlu.entities.pii import mask_pii
from tickets.enums import StaffRole
from tickets.models import StaffChat, StaffUser, Ticket

# Roles that may see who reported a confidential ticket.
SEES_CONFIDENTIAL_REPORTER = (StaffRole.OPERATOR, StaffRole.ADMIN)

# A staff member, a staff group chat (alerts), or None: the local admin CLI.
Viewer = StaffUser | StaffChat | None


class Reported(Protocol):
    """A ticket, or a row of a list of tickets (tickets.queue.QueueRow)."""

    @property
    def confidential(self) -> bool: ...


def reporter_visible(ticket: Ticket, viewer: Viewer) -> bool:
    if viewer is None or not ticket.confidential:
        return True
    return isinstance(viewer, StaffUser) and viewer.role in SEES_CONFIDENTIAL_REPORTER


def masks_text(ticket: Reported, viewer: Viewer) -> bool:
    """Whether the reporter's own words reach `viewer` masked."""
    return bool(ticket.confidential) and viewer is not None


def text_for(viewer: Viewer, ticket: Reported, text: str) -> str:
    """The reporter's `text` (description, comment) as `viewer` may see it."""
    return mask_pii(text) if masks_text(ticket, viewer) else text


def optional_text_for(viewer: Viewer, ticket: Reported, text: str | None) -> str | None:
    return None if text is None else text_for(viewer, ticket, text)
