"""Handoff requests (tickets.handoff): who hears of them, who may answer, what the
citizen's chat gets; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from core.db import transaction
from core.timestamps import utcnow
from tests import factories
from tickets import handoff
from tickets.handoff import HandoffError
from tickets.handoff_alerts import MORE_RESPONSE, NEW_RESPONSE
from tickets.handoff_models import HandoffRequest, HandoffStatus
from tickets.models import Notification, StaffUser

CHAT = "chatapp"  # any channel: the domain does not care which
CITIZEN = "warga-1"


def _ask(*texts: str, region: str | None = "bandar_lampung", user_key: str = CITIZEN,
         now: datetime | None = None) -> handoff.HandoffResult:  # fmt: skip
    with transaction() as session:
        result = handoff.request_handoff(
            session=session, channel=CHAT, user_key=user_key, texts=list(texts),
            region_code=region, now=now,
        )  # fmt: skip
        session.expunge_all()
        return result


def _notifications(response: str | None = None) -> list[Notification]:
    with transaction() as session:
        query = select(Notification).order_by(Notification.id)
        if response:
            query = query.where(Notification.response == response)
        rows = list(session.scalars(query))
        session.expunge_all()
        return rows


def _request(request_id: int) -> dict[str, Any]:
    with transaction() as session:
        found = session.get(HandoffRequest, request_id)
        assert found is not None
        return handoff.request_to_dict(found)


def _staff(role: str = "operator", region: str | None = "bandar_lampung",
           contacts: list[tuple[str, str]] | None = None) -> int:  # fmt: skip
    with transaction() as session:
        return factories.staff(session=session, role=role, region=region,
                               contacts=contacts).id  # fmt: skip


def _reply(request_id: int, staff_id: int, text: str, close: bool = False) -> None:
    with transaction() as session:
        staff = session.get(StaffUser, staff_id)
        assert staff is not None
        handoff.reply(session=session, request_id=request_id, staff=staff, text=text,
                      close=close)  # fmt: skip


def _operator_chat(region: str = "bandar_lampung", key: str = "-100") -> None:
    with transaction() as session:
        factories.staff_chat(session=session, channel=CHAT, chat_key=key, region=region)


def test_a_request_reaches_the_region_operator_chat_and_repeats_add_to_it(db: str) -> None:
    _operator_chat()
    _operator_chat("metro", "-200")
    first = _ask("air pdam mati 3 hari", "mau bicara dengan petugas")
    assert first.created and first.reachable
    [alert] = _notifications(NEW_RESPONSE)
    assert (alert.channel, alert.user_key) == (CHAT, "-100")
    assert alert.variables["pesan"] == "air pdam mati 3 hari\nmau bicara dengan petugas"
    assert alert.variables["wilayah"] == "Kota Bandar Lampung"

    again = _ask("mau bicara dengan petugas", "NIK saya 1871010101900001, tolong dibales")
    assert not again.created and again.request.id == first.request.id
    [more] = _notifications(MORE_RESPONSE)
    assert "NIK saya 1871010101900001" not in more.variables["pesan"]  # masked
    repeat = _ask("mau bicara dengan petugas")  # nothing new: no alert, no row
    assert repeat.reachable and repeat.request.id == first.request.id
    assert len(_notifications()) == 2
    with transaction() as session:
        assert list(session.scalars(select(HandoffRequest.id))) == [first.request.id]
    texts = [m["text"] for m in _request(first.request.id)["messages"]]
    assert len(texts) == 3 and "1871010101900001" not in texts[2]


def test_without_a_chat_the_region_operators_then_the_province_get_it(db: str) -> None:
    _staff(contacts=[(CHAT, "op-bdl")])
    _staff(role="admin", region=None, contacts=[(CHAT, "admin-1")])
    _ask("tolong petugas hubungi saya")
    assert [n.user_key for n in _notifications()] == ["op-bdl"]
    _ask("saya butuh petugas", region=None, user_key="warga-2")  # no region: province level
    assert [n.user_key for n in _notifications()] == ["op-bdl", "admin-1"]
    _ask("mau ke petugas", region="metro", user_key="warga-3")  # no one in Metro: province
    assert [n.user_key for n in _notifications()][-1] == "admin-1"


def test_nobody_to_receive_it_is_told_and_the_request_still_recorded(db: str) -> None:
    _staff(contacts=[])  # an operator without any chat or contact hears nothing
    with transaction() as session:  # agency staff do not answer citizens' requests
        factories.staff(session=session, role="agency_head", agency="dlh",
                        contacts=[(CHAT, "dinas")])  # fmt: skip
    result = _ask("mau bicara dengan petugas")
    assert result.created and not result.reachable
    assert _notifications() == []
    assert _request(result.request.id)["status"] == "open"
    with transaction() as session:
        assert not handoff.staff_reachable(session=session, region_code="bandar_lampung")
        assert not handoff.staff_reachable(session=session, region_code=None)


def test_answers_go_to_the_citizen_chat_and_the_exchange_goes_on(db: str) -> None:
    _operator_chat()
    operator = _staff()
    request = _ask("jalan di depan rumah saya kapan diperbaiki? mau tanya petugas").request
    _reply(request.id, operator, "Sudah dijadwalkan bulan depan.")
    _reply(request.id, operator, "Hubungi saya di 081234567890 bila belum.")
    answers = _notifications(handoff.ANSWER_RESPONSE)
    assert [(n.channel, n.user_key) for n in answers] == [(CHAT, CITIZEN)] * 2
    assert answers[0].variables["jawaban"] == "Sudah dijadwalkan bulan depan."
    # The citizen gets the number; the stored exchange keeps it masked.
    assert "081234567890" in answers[1].variables["jawaban"]
    data = _request(request.id)
    assert data["status"] == "answered" and data["answered_by"] == operator
    assert "081234567890" not in str(data["messages"])

    # The citizen writes again: the same request, waiting for staff again.
    again = _ask("masih belum jelas, pak")
    assert again.request.id == request.id and _request(request.id)["status"] == "open"
    assert len(_notifications(NEW_RESPONSE)) == 2  # reopened: a new alert

    _reply(request.id, operator, "Baik, kami cek ke dinas.", close=True)
    data = _request(request.id)
    assert data["status"] == "closed" and data["closed_at"]
    assert [n.response for n in _notifications()][-2:] == [
        handoff.ANSWER_RESPONSE, handoff.CLOSED_RESPONSE,
    ]  # fmt: skip
    with pytest.raises(HandoffError) as refused:
        _reply(request.id, operator, "lagi")
    assert refused.value.code == "closed"
    assert _ask("mau bicara dengan petugas lagi").created  # a new request after closing


def test_who_may_answer(db: str) -> None:
    request = _ask("mau bicara dengan petugas").request
    province_request = _ask("mau bicara dengan petugas", region=None, user_key="warga-2").request
    metro = _staff(region="metro")
    with transaction() as session:
        dinas = factories.staff(session=session, role="agency", agency="dlh").id
    province_operator = _staff(region=None)
    admin = _staff(role="admin", region=None)
    for staff_id, request_id, code in (
        (metro, request.id, "scope"),
        (metro, province_request.id, "scope"),
        (dinas, request.id, "role"),
    ):
        with pytest.raises(HandoffError) as refused:
            _reply(request_id, staff_id, "jawaban")
        assert refused.value.code == code
    _reply(province_request.id, province_operator, "jawaban provinsi")
    _reply(request.id, admin, "jawaban admin")
    with pytest.raises(HandoffError) as missing:
        _reply(9999, admin, "jawaban")
    assert missing.value.code == "not_found" and "#9999" in str(missing.value)
    with pytest.raises(HandoffError) as empty:
        _reply(request.id, admin, "   ")
    assert empty.value.code == "empty"


def test_the_list_shows_what_each_staff_member_may_answer(db: str) -> None:
    ids = {
        "bdl": _ask("a", user_key="w1").request.id,
        "metro": _ask("b", region="metro", user_key="w2").request.id,
        "none": _ask("c", region=None, user_key="w3").request.id,
    }
    staff_ids = [_staff(), _staff(region="metro"), _staff(region=None), _staff(role="admin"),
                 _staff(role="leader", region=None)]  # fmt: skip
    with transaction() as session:
        requests = list(session.scalars(select(HandoffRequest)))
        for staff_id in staff_ids:
            staff = session.get(StaffUser, staff_id)
            assert staff is not None
            listed = {r.id for r in handoff.list_requests(session=session, viewer=staff)}
            allowed = {r.id for r in requests if handoff.answer_refusal(staff, r) is None}
            assert listed == allowed
        [bdl] = handoff.list_requests(session=session, viewer=session.get(StaffUser, staff_ids[0]))
        assert bdl.id == ids["bdl"]
        assert {r.id for r in handoff.list_requests(session=session)} == set(ids.values())
        assert handoff.list_requests(session=session, status="answered") == []


def test_an_answered_request_left_alone_for_a_week_is_closed_by_the_next_one(db: str) -> None:
    admin = _staff(role="admin", region=None, contacts=[(CHAT, "admin-1")])
    request = _ask("mau bicara dengan petugas").request
    _reply(request.id, admin, "Sudah kami jawab.")
    later = utcnow() + handoff.ANSWERED_STAYS_ACTIVE + timedelta(hours=1)
    fresh = _ask("mau bicara dengan petugas", now=later)
    assert fresh.created and fresh.request.id != request.id
    assert _request(request.id)["status"] == HandoffStatus.CLOSED
