"""A staff answer to a WhatsApp citizen who asked for a person: in the 24-hour
window as a message, outside it as the approved handoff template (Meta refuses
free-form messages then)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from channels.whatsapp.models import WhatsAppWindow
from core.db import transaction
from core.timestamps import utcnow
from tests import factories
from tests.support import webhook_events as events
from tests.support.whatsapp_harness import Served, body_texts
from tickets import handoff
from tickets.handoff_models import HandoffRequest
from tickets.models import Notification, StaffUser

WA = "6281277712345"
RAJABASA = (-5.3719, 105.2393)
ANSWER = "Baik Bu, bansos PKH bulan ini cair minggu depan."


def _ask_for_a_person(served: Served) -> int:
    with transaction() as session:
        staff = factories.staff(session=session, role="operator", region="bandar_lampung")
        staff_id = staff.id
    served.send(events.location_message(WA, *RAJABASA))
    replies = body_texts(served.say(WA, "mau bicara dengan petugas"))
    assert any("sudah kami teruskan ke petugas" in r for r in replies), replies
    return staff_id


def _answer(staff_id: int) -> int:
    with transaction() as session:
        [request] = session.scalars(select(HandoffRequest)).all()
        staff = session.get(StaffUser, staff_id)
        assert staff is not None
        handoff.reply(session=session, request_id=request.id, staff=staff, text=ANSWER)
        return request.id


def _answer_sent() -> bool:
    with transaction() as session:
        rows = session.scalars(
            select(Notification.status).where(Notification.response == "utter_jawaban_petugas")
        ).all()
    return bool(rows) and all(s == "sent" for s in rows)


def _templates(served: Served) -> list[dict[str, Any]]:
    return [s.payload["template"] for s in served.fake.sent if s.type == "template"]


def test_an_answer_in_the_window_is_a_message(served: Served) -> None:
    _answer(_ask_for_a_person(served))
    served.until(_answer_sent)
    texts = [s.payload["text"]["body"] for s in served.fake.sent if s.type == "text"]
    assert any(ANSWER in t for t in texts), texts
    assert _templates(served) == []


def test_an_answer_outside_the_window_is_the_handoff_template(served: Served) -> None:
    staff_id = _ask_for_a_person(served)
    with transaction() as session:  # the citizen has not written for more than a day
        session.execute(
            update(WhatsAppWindow).values(last_inbound_at=utcnow() - timedelta(hours=25))
        )
    served.fake.close_window(WA)
    request_id = _answer(staff_id)
    served.until(_answer_sent)
    [template] = _templates(served)
    assert template["name"] == "laporin_jawaban_petugas"
    [body] = [c for c in template["components"] if c["type"] == "body"]
    values = [p["text"] for p in body["parameters"]]
    assert values[0] == f"#{request_id}" and ANSWER in values[1]
