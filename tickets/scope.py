"""Which tickets a staff member may see (views and exports: `tickets show|list --as`).

- operators and coordinators: their region's tickets; without a region
  (province-wide) all of them;
- agency staff and heads: the tickets forwarded to their agency, and only in
  their region when they have one (kabupaten/kota agencies);
- leaders and admins: all;
- an inactive staff member or an unknown role: none.

`can_view` answers for one ticket, `visible_filter` is the same rule as a query
condition; a test keeps the two in step. Out of scope is reported like a missing
ticket, so a number's existence does not leak.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true

from tickets.enums import StaffRole
from tickets.models import StaffUser, Ticket

SEES_ALL = (StaffRole.LEADER, StaffRole.ADMIN)
REGION_ROLES = (StaffRole.OPERATOR, StaffRole.COORDINATOR)
AGENCY_ROLES = (StaffRole.AGENCY, StaffRole.AGENCY_HEAD)


def can_view(viewer: StaffUser, ticket: Ticket) -> bool:
    if not viewer.active:
        return False
    if viewer.role in SEES_ALL:
        return True
    if viewer.role in REGION_ROLES:
        return viewer.region_code is None or viewer.region_code == ticket.region_code
    if viewer.role in AGENCY_ROLES:
        return (
            viewer.agency_code is not None
            and ticket.agency_code == viewer.agency_code
            and (viewer.region_code is None or viewer.region_code == ticket.region_code)
        )
    return False


def visible_filter(viewer: StaffUser) -> ColumnElement[bool]:
    """`can_view` as a WHERE condition on Ticket."""
    if not viewer.active:
        return false()
    if viewer.role in SEES_ALL:
        return true()
    if viewer.role in REGION_ROLES:
        return true() if viewer.region_code is None else Ticket.region_code == viewer.region_code
    if viewer.role in AGENCY_ROLES and viewer.agency_code is not None:
        condition = Ticket.agency_code == viewer.agency_code
        if viewer.region_code is not None:
            condition = condition & (Ticket.region_code == viewer.region_code)
        return condition
    return false()
