"""Who hears of a handoff request, and the alert queued for them (through the outbox).

The region's operator chats first; without one, the region's operators and
coordinators on their own contacts; without them (or without a region), the
province level: admins and province-wide operators. Nobody on that list means no
one can answer now, which the citizen is told honestly (tickets.handoff).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.regions import get_region
from tickets.enums import StaffRole
from tickets.handoff_models import HandoffMessage, HandoffRequest
from tickets.models import StaffChat, StaffUser
from tickets.notifications import enqueue, notify_staff
from tickets.texts import TEXTS

NEW_RESPONSE = "utter_petugas_permintaan_baru"
MORE_RESPONSE = "utter_petugas_pesan_tambahan"
REGION_ROLES = (StaffRole.OPERATOR, StaffRole.COORDINATOR)


@dataclass(frozen=True)
class Recipients:
    chats: list[StaffChat] = field(default_factory=list)
    staff: list[StaffUser] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.chats or self.staff)


def _reachable(users: Sequence[StaffUser]) -> list[StaffUser]:
    return [u for u in users if u.active and u.contacts]


def recipients(*, session: Session, region_code: str | None) -> Recipients:
    if region_code is not None:
        chats = session.scalars(
            select(StaffChat)
            .where(StaffChat.region_code == region_code, StaffChat.agency_code.is_(None))
            .order_by(StaffChat.id)
        ).all()
        if chats:
            return Recipients(chats=list(chats))
        local = session.scalars(
            select(StaffUser)
            .where(StaffUser.region_code == region_code, StaffUser.role.in_(REGION_ROLES))
            .order_by(StaffUser.id)
        ).all()
        if _reachable(local):
            return Recipients(staff=_reachable(local))
    province = session.scalars(
        select(StaffUser)
        .where(
            (StaffUser.role == StaffRole.ADMIN)
            | (StaffUser.role.in_(REGION_ROLES) & StaffUser.region_code.is_(None))
        )
        .order_by(StaffUser.id)
    ).all()
    return Recipients(staff=_reachable(province))


def region_label(region_code: str | None) -> str:
    region = get_region(region_code or "")
    return region.name if region else TEXTS.text("handoff", "province")


def alert_staff(
    *,
    session: Session,
    request: HandoffRequest,
    messages: Sequence[HandoffMessage],
    new: bool,
) -> bool:
    """Queue the alert for the request's `messages`; False when nobody could get it."""
    found = recipients(session=session, region_code=request.region_code)
    if not found:
        return False
    response = NEW_RESPONSE if new else MORE_RESPONSE
    variables = {
        "nomor": request.id,
        "wilayah": region_label(request.region_code),
        "pesan": "\n".join(m.text for m in messages) or TEXTS.text("handoff", "no_text"),
    }
    last = messages[-1].id if messages else "none"
    key = f"handoff:{request.id}:{request.status}:{last}"
    for chat in found.chats:
        enqueue(session=session, channel=chat.channel, user_key=chat.chat_key,
                response=response, variables=variables,
                dedupe_key=f"{key}:chat:{chat.channel}:{chat.chat_key}")  # fmt: skip
    for user in found.staff:
        notify_staff(session=session, staff=user, response=response, variables=variables, key=key)
    session.flush()
    return True
