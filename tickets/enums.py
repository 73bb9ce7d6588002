"""Closed sets the ticket domain would otherwise spell as bare strings.

StrEnum members compare and serialise as their values, so rows and YAML keep
plain strings. TicketStatus mirrors tickets/statuses.yml (a test keeps them in
step); the labels stay in the data file.
"""

from __future__ import annotations

from enum import StrEnum


class TicketStatus(StrEnum):
    NEW = "new"
    FORWARDED = "forwarded"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    REFERRED = "referred"


class EventKind(StrEnum):
    """TicketEvent.kind besides the workflow actions (whose kind is the action name)."""

    CREATED = "created"
    STATUS_CHANGED = "status_changed"
    SUPPORTED = "supported"
    RATED = "rated"
    REOPENED = "reopened"
    ESCALATED = "escalated"
    # The citizen's side after filing (tickets/citizen_actions.py).
    CITIZEN_ADDITION = "citizen_addition"
    WITHDRAWN = "withdrawn"
    # A staff member wrote to the reporter (the workspace).
    STAFF_MESSAGE = "staff_message"
    # An operator hid (or showed again) the text or a photo on the public pages.
    PUBLIC_HIDDEN = "public_hidden"
    PUBLIC_SHOWN = "public_shown"


class StaffRole(StrEnum):
    OPERATOR = "operator"
    COORDINATOR = "coordinator"
    AGENCY = "agency"
    AGENCY_HEAD = "agency_head"
    LEADER = "leader"
    ADMIN = "admin"


class BreachKind(StrEnum):
    """Escalation.kind: which deadline was missed."""

    FORWARD = "forward"
    ACT = "act"


class LocationSource(StrEnum):
    """How a ticket's location was obtained: a shared pin (exact), a place name chosen
    from the gazetteer or a typed address with its kabupaten/kota (both approximate:
    the coordinates are the place's or the kabupaten/kota's centroid)."""

    PIN = "pin"
    PLACE = "place"
    ADDRESS = "address"
