"""Test data made by the code that makes it in production: citizens, tickets, staff, chats.

Each factory takes the caller's session and flushes but never commits, like the
services. Defaults are valid, and unique where the schema wants uniqueness, so a
test spells out only what it is about. Citizens and tickets come from
tickets.service / tickets.flows, a status other than "new" is reached through
tickets.workflow (so the events and notifications are the real ones), and staff
and chats are the rows `python -m bot users add` / `chats add` write, with the
same checks.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from knowledge.agencies import get_agency
from knowledge.regions import get_region
from tickets.citizen_actions import withdraw_ticket
from tickets.enums import StaffRole, TicketStatus
from tickets.flows import file_ticket
from tickets.models import Citizen, StaffChat, StaffContact, StaffUser, Ticket
from tickets.service import create_ticket, get_or_create_citizen
from tickets.workflow import AGENCY_ROLES, Request, perform

# Numeric, like Telegram ids, and far above the small ids tests spell out.
_keys = itertools.count(700_000_001)

# The workflow actions that lead from "new" to each status (tickets/workflow.yml).
PATHS: dict[TicketStatus, tuple[str, ...]] = {
    TicketStatus.NEW: (),
    TicketStatus.FORWARDED: ("forward",),
    TicketStatus.IN_PROGRESS: ("forward", "accept"),
    TicketStatus.RESOLVED: ("forward", "accept", "resolve"),
    TicketStatus.REJECTED: ("reject",),
    TicketStatus.CLOSED: ("merge",),
    TicketStatus.WITHDRAWN: (),
    TicketStatus.REFERRED: ("refer_lapor",),
}
# Statuses the reporter reaches after filing (tickets.citizen_actions), not staff.
WITHDRAWN_BY_REPORTER = TicketStatus.WITHDRAWN
NOTE = "catatan petugas"
LAPOR_ID = "LPR-2612-0001"  # the SP4N-LAPOR! tracking number of "referred"


def unique_key() -> str:
    """A user or chat key no other factory call in this process returned."""
    return str(next(_keys))


def citizen(
    *,
    session: Session,
    channel: str = "telegram",
    user_key: str | None = None,
    phone: str | None = None,
    name: str | None = None,
) -> Citizen:
    """The citizen behind (channel, user_key), created on first use; a new key by default."""
    return get_or_create_citizen(
        session=session, channel=channel, user_key=user_key or unique_key(),
        display_name=name, phone=phone,
    )  # fmt: skip


_citizen = citizen  # `ticket` has a parameter of that name


def ticket(
    *,
    session: Session,
    citizen: Citizen | None = None,
    category: str = "sampah",
    region: str | None = "bandar_lampung",
    description: str = "sampah menumpuk di pinggir jalan",
    latitude: float = -5.43,
    longitude: float = 105.26,
    attachment_ids: Sequence[int] = (),
    confidential: bool = False,
    now: datetime | None = None,
    alert: bool = True,
    status: str | None = None,
    agency: str | None = None,
    merged_into: Ticket | None = None,
    actor: StaffUser | None = None,
) -> Ticket:
    """A filed ticket (a new citizen unless given), moved on to `status` if given.

    alert=True files it as a citizen's report does (tickets.flows.file_ticket:
    the region's operator chats are alerted); False only records it
    (tickets.service.create_ticket). A status is reached by the actions in PATHS,
    performed by `actor` (default: a new admin without contacts) at `now`:
    forwarded to `agency` (default: the suggested one), closed by merging into
    `merged_into`; "withdrawn" is the reporter's withdrawal.
    """
    owner = citizen if citizen is not None else _citizen(session=session)
    make = file_ticket if alert else create_ticket
    filed = make(
        session=session, citizen=owner, category=category, description=description,
        latitude=latitude, longitude=longitude, region_code=region,
        attachment_ids=attachment_ids, confidential=confidential, now=now,
    )  # fmt: skip
    if status == WITHDRAWN_BY_REPORTER:
        withdraw_ticket(session=session, ticket=filed, citizen_id=owner.id, now=now)
        return filed
    path = PATHS[TicketStatus(status or TicketStatus.NEW)]
    if not path:
        return filed
    if "forward" in path and not (agency or filed.suggested_agency_code):
        raise ValueError(f"category {category!r} has no suggested agency: pass agency=")
    if "merge" in path and merged_into is None:
        raise ValueError("status 'closed' is reached by merging: pass merged_into=")
    request = Request(agency=agency or filed.suggested_agency_code, reason=NOTE, note=NOTE,
                      target=merged_into, lapor_id=LAPOR_ID)  # fmt: skip
    mover = actor or staff(session=session, role=StaffRole.ADMIN, contacts=())
    for action in path:
        perform(session=session, ticket=filed, action=action, actor=mover, request=request,
                now=now)  # fmt: skip
    return filed


def _check_scope(region: str | None, agency: str | None) -> None:
    if region is not None and get_region(region) is None:
        raise ValueError(f"unknown region {region!r}")
    if agency is not None and get_agency(agency) is None:
        raise ValueError(f"unknown agency {agency!r}")


def staff(
    *,
    session: Session,
    role: str = StaffRole.OPERATOR,
    region: str | None = None,
    agency: str | None = None,
    name: str | None = None,
    contacts: Sequence[tuple[str, str]] | None = None,
    active: bool = True,
) -> StaffUser:
    """A staff member as `users add` registers one (name: the role).

    contacts: (channel, user key) pairs; None gives one Telegram contact with a
    new key, () none.
    """
    role = StaffRole(role).value
    _check_scope(region, agency)
    if role in AGENCY_ROLES and agency is None:
        raise ValueError(f"role {role!r} needs an agency")
    pairs = [("telegram", unique_key())] if contacts is None else contacts
    user = StaffUser(
        name=name or role, role=role, region_code=region, agency_code=agency, active=active,
        contacts=[StaffContact(channel=channel, user_key=key) for channel, key in pairs],
    )  # fmt: skip
    session.add(user)
    session.flush()
    return user


def staff_chat(
    *,
    session: Session,
    region: str | None = None,
    agency: str | None = None,
    channel: str = "telegram",
    chat_key: str | None = None,
) -> StaffChat:
    """A group chat as `chats add` registers one: a region's operators (no agency)
    or an agency's staff (province-wide without region). A new key by default."""
    _check_scope(region, agency)
    if region is None and agency is None:
        raise ValueError("a staff chat needs a region or an agency")
    chat = StaffChat(channel=channel, chat_key=chat_key or f"-{unique_key()}",
                     region_code=region, agency_code=agency)  # fmt: skip
    session.add(chat)
    session.flush()
    return chat
