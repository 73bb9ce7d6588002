"""Handoff to a person: a citizen's request, staff answers, closing (issue 14, finding 8).

A request belongs to one citizen chat (channel + user key) and is active while
open (waiting for staff) or answered. While one is active, asking again adds the
message to it instead of opening another (an answered one is open again). Staff
answer as often as needed (a conversation); each answer is queued in the outbox
for the citizen's chat. Closing is explicit (`close`, or `reply ..., close=True`);
an answered request nobody touched for ANSWERED_STAYS_ACTIVE is closed when the
citizen next asks, so an old exchange does not swallow a new question.

Who may answer: operators and coordinators of the request's region (province-wide
ones: every region) and admins; the province-level requests (region unknown) only
province-wide operators and admins. Functions take the caller's session and never
commit, so the command line and the web workspace call the same code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from core.timestamps import utcnow
from nlu.entities import mask_pii
from tickets.enums import StaffRole
from tickets.handoff_alerts import alert_staff, recipients, region_label
from tickets.handoff_models import (
    ACTIVE_STATUSES,
    HandoffAuthor,
    HandoffMessage,
    HandoffRequest,
    HandoffStatus,
)
from tickets.models import StaffUser, Ticket
from tickets.notifications import enqueue
from tickets.service import get_or_create_citizen
from tickets.texts import TEXTS

ANSWER_RESPONSE = "utter_jawaban_petugas"
CLOSED_RESPONSE = "utter_permintaan_petugas_selesai"
MAX_TEXT_CHARS = 2000  # a citizen's message as stored
MAX_ANSWER_CHARS = 3500  # below the 4,096 characters a chat message may have
ANSWERED_STAYS_ACTIVE = timedelta(days=7)
ANSWER_ROLES = (StaffRole.OPERATOR, StaffRole.COORDINATOR, StaffRole.ADMIN)


class HandoffError(Exception):
    """A refused staff action; `str(error)` is the Indonesian message for staff."""

    def __init__(self, code: str, **variables: Any) -> None:
        self.code = code
        super().__init__(TEXTS.text("handoff_errors", code, **variables))


@dataclass(frozen=True)
class HandoffResult:
    request: HandoffRequest
    created: bool
    # Someone was told (an operator chat or a staff contact) or reads the workspace inbox.
    reachable: bool


def inbox_watched(*, session: Session, region_code: str | None) -> bool:
    """Does someone who can log in to the workspace see this region's requests in its
    inbox (an active user with a password who may answer them)?"""
    readers = select(StaffUser.id).where(
        StaffUser.active.is_(True),
        StaffUser.password_hash.is_not(None),
        StaffUser.role.in_(ANSWER_ROLES),
        (StaffUser.role == StaffRole.ADMIN)
        | StaffUser.region_code.is_(None)
        | (StaffUser.region_code == region_code),
    )
    return session.scalar(readers.limit(1)) is not None


def staff_reachable(*, session: Session, region_code: str | None) -> bool:
    """Would a request from this region reach anyone now: an alert to a chat or a
    staff contact, or the workspace's inbox that someone reads?"""
    return bool(recipients(session=session, region_code=region_code)) or inbox_watched(
        session=session, region_code=region_code
    )


def latest_ticket_region(*, session: Session, citizen_id: int) -> str | None:
    return session.scalar(
        select(Ticket.region_code)
        .where(Ticket.citizen_id == citizen_id, Ticket.region_code.is_not(None))
        .order_by(Ticket.id.desc())
        .limit(1)
    )


def active_request(
    *, session: Session, channel: str, user_key: str, now: datetime | None = None
) -> HandoffRequest | None:
    """The chat's active request (row-locked), closing a stale answered one."""
    request = session.scalars(
        select(HandoffRequest)
        .where(
            HandoffRequest.channel == channel,
            HandoffRequest.user_key == user_key,
            HandoffRequest.status.in_(ACTIVE_STATUSES),
        )
        .order_by(HandoffRequest.id.desc())
        .limit(1)
        .with_for_update()
    ).first()
    now = now or utcnow()
    if (
        request is not None
        and request.status == HandoffStatus.ANSWERED
        and request.answered_at is not None
        and request.answered_at < now - ANSWERED_STAYS_ACTIVE
    ):
        request.status, request.closed_at = HandoffStatus.CLOSED, now
        return None
    return request


def request_handoff(
    *,
    session: Session,
    channel: str,
    user_key: str,
    texts: Sequence[str],
    region_code: str | None = None,
    now: datetime | None = None,
) -> HandoffResult:
    """The citizen asks for a person: a new request, or `texts` added to the active one.

    `texts`: what the citizen wrote (the request and the messages before it),
    stored masked; a text the request already holds is not added again.
    """
    now = now or utcnow()
    citizen = get_or_create_citizen(session=session, channel=channel, user_key=user_key)
    request = active_request(session=session, channel=channel, user_key=user_key, now=now)
    created = request is None
    if request is None:
        request = HandoffRequest(
            citizen=citizen, channel=channel, user_key=user_key, region_code=region_code,
            status=HandoffStatus.OPEN, created_at=now,
        )  # fmt: skip
        session.add(request)
    elif request.region_code is None and region_code is not None:
        request.region_code = region_code
    reopened = request.status == HandoffStatus.ANSWERED
    request.status = HandoffStatus.OPEN
    held = _since_last_answer(request)
    added = []
    for text in texts:
        masked = mask_pii(text.strip())[:MAX_TEXT_CHARS]
        if masked and masked not in held:
            held.add(masked)
            added.append(HandoffMessage(author=HandoffAuthor.CITIZEN, text=masked, created_at=now))
    request.messages.extend(added)
    session.flush()
    if added or created or reopened:
        alerted = alert_staff(session=session, request=request, messages=added,
                              new=created or reopened)  # fmt: skip
        reachable = alerted or inbox_watched(session=session, region_code=request.region_code)
    else:
        reachable = staff_reachable(session=session, region_code=request.region_code)
    return HandoffResult(request=request, created=created, reachable=reachable)


def _since_last_answer(request: HandoffRequest) -> set[str]:
    """The citizen's texts after the latest staff answer (a repeat of one adds nothing)."""
    held: set[str] = set()
    for message in request.messages:
        if message.author == HandoffAuthor.STAFF:
            held.clear()
        else:
            held.add(message.text)
    return held


def answer_refusal(staff: StaffUser, request: HandoffRequest) -> str | None:
    """Why `staff` may not answer `request` (an error code), or None."""
    if not staff.active:
        return "inactive"
    if staff.role not in ANSWER_ROLES:
        return "role"
    if staff.role == StaffRole.ADMIN or staff.region_code is None:
        return None
    return None if staff.region_code == request.region_code else "scope"


def visible_filter(staff: StaffUser) -> ColumnElement[bool]:
    """`answer_refusal(...) is None` as a WHERE condition on HandoffRequest."""
    if not staff.active or staff.role not in ANSWER_ROLES:
        return false()
    if staff.role == StaffRole.ADMIN or staff.region_code is None:
        return true()
    return HandoffRequest.region_code == staff.region_code


def list_requests(
    *,
    session: Session,
    status: str | None = None,
    viewer: StaffUser | None = None,
    limit: int = 50,
) -> list[HandoffRequest]:
    """Newest first; `viewer`: only the requests they may answer (None: all)."""
    query = select(HandoffRequest).order_by(HandoffRequest.id.desc()).limit(limit)
    if status:
        query = query.where(HandoffRequest.status == status)
    if viewer is not None:
        query = query.where(visible_filter(viewer))
    return list(session.scalars(query))


def _checked(session: Session, request_id: int, staff: StaffUser) -> HandoffRequest:
    request = session.get(HandoffRequest, request_id, with_for_update=True)
    if request is None:
        raise HandoffError("not_found", id=request_id)
    refusal = answer_refusal(staff, request)
    if refusal is not None:
        raise HandoffError(refusal, id=request_id, peran=staff.role,
                           wilayah=region_label(request.region_code))  # fmt: skip
    if request.status == HandoffStatus.CLOSED:
        raise HandoffError("closed", id=request_id)
    return request


def _tell_citizen(session: Session, request: HandoffRequest, response: str,
                  variables: dict[str, Any], key: str) -> None:  # fmt: skip
    enqueue(session=session, channel=request.channel, user_key=request.user_key,
            response=response, variables={"nomor_permintaan": request.id, **variables},
            dedupe_key=f"handoff:{request.id}:{key}")  # fmt: skip


def reply(
    *,
    session: Session,
    request_id: int,
    staff: StaffUser,
    text: str,
    close: bool = False,
    now: datetime | None = None,
) -> HandoffMessage:
    """A staff answer, queued for the citizen's chat; `close` ends the exchange after it."""
    now = now or utcnow()
    request = _checked(session, request_id, staff)
    answer = text.strip()
    if not answer:
        raise HandoffError("empty")
    if len(answer) > MAX_ANSWER_CHARS:
        raise HandoffError("too_long", maks=MAX_ANSWER_CHARS)
    message = HandoffMessage(author=HandoffAuthor.STAFF, staff_id=staff.id,
                             text=mask_pii(answer), created_at=now)  # fmt: skip
    request.messages.append(message)
    request.status = HandoffStatus.ANSWERED
    request.answered_at, request.answered_by = now, staff
    session.flush()
    _tell_citizen(session, request, ANSWER_RESPONSE, {"jawaban": answer}, f"answer:{message.id}")
    if close:
        _close(session, request, now)
    session.flush()
    return message


def _close(session: Session, request: HandoffRequest, now: datetime) -> None:
    request.status, request.closed_at = HandoffStatus.CLOSED, now
    _tell_citizen(session, request, CLOSED_RESPONSE, {}, "closed")


def close(
    *, session: Session, request_id: int, staff: StaffUser, now: datetime | None = None
) -> HandoffRequest:
    """End the exchange; the citizen is told, and a new question opens a new request."""
    request = _checked(session, request_id, staff)
    _close(session, request, now or utcnow())
    session.flush()
    return request


def request_to_dict(request: HandoffRequest) -> dict[str, Any]:
    return {
        "id": request.id,
        "status": request.status,
        "channel": request.channel,
        "region": request.region_code,
        "created_at": request.created_at.isoformat(),
        "answered_at": request.answered_at.isoformat() if request.answered_at else None,
        "answered_by": request.answered_by_id,
        "closed_at": request.closed_at.isoformat() if request.closed_at else None,
        "messages": [_message_dict(m) for m in request.messages],
    }


def _message_dict(message: HandoffMessage) -> dict[str, Any]:
    return {
        "author": message.author,
        "staff": message.staff_id,
        "text": message.text,
        "created_at": message.created_at.isoformat(),
    }
