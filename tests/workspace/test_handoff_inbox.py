"""The handoff inbox (/petugas/percakapan): the requests the bot forwarded, for the
staff who may answer them (tickets.handoff's rules), answered and closed there."""

from __future__ import annotations

from sqlalchemy import select

from core.db import transaction
from tests.support.workspace_client import logged_in, post_form
from tests.workspace.conftest import MakeAccount
from tickets.handoff import request_handoff
from tickets.handoff_models import HandoffRequest
from tickets.models import Notification
from tickets.texts import TEXTS


def _request(region: str | None, *texts: str, user_key: str = "555001") -> int:
    with transaction() as session:
        found = request_handoff(
            session=session,
            channel="telegram",
            user_key=user_key,
            texts=list(texts),
            region_code=region,
        )
        return found.request.id


def test_a_workspace_reader_makes_the_request_reachable(make_account: MakeAccount) -> None:
    """No staff chat and no chat contact: the bot still promises an answer when
    someone reads the region's requests in the workspace."""
    with transaction() as session:
        lonely = request_handoff(
            session=session, channel="telegram", user_key="1", texts=["halo"], region_code="metro"
        )
        assert lonely.reachable is False
    make_account("operator", region="metro")
    with transaction() as session:
        found = request_handoff(
            session=session, channel="telegram", user_key="2", texts=["halo"], region_code="metro"
        )
        assert found.reachable is True


def test_the_inbox_lists_only_the_requests_the_user_may_answer(make_account: MakeAccount) -> None:
    mine = _request("metro", "cara urus akta kelahiran yg hilang gmn")
    other = _request("pringsewu", "halo min", user_key="555002")
    operator = logged_in(make_account("operator", region="metro"))
    inbox = operator.get("/petugas/percakapan").text
    assert f"Permintaan #{mine}" in inbox and "akta kelahiran" in inbox
    assert f"Permintaan #{other}" not in inbox
    assert operator.get(f"/petugas/percakapan/{other}").status_code == 404
    refreshed = operator.get("/petugas/percakapan", headers={"HX-Request": "true"})
    assert "<html" not in refreshed.text and f"Permintaan #{mine}" in refreshed.text
    agency = logged_in(make_account("agency", agency="dlh"))
    assert agency.get("/petugas/percakapan").status_code == 403


def test_an_answer_is_queued_for_the_citizen_and_closing_tells_them(
    make_account: MakeAccount,
) -> None:
    request_id = _request("metro", "gmn cara ganti kk")
    operator = logged_in(make_account("operator", region="metro"))
    page = f"/petugas/percakapan/{request_id}"
    empty = post_form(operator, page, f"{page}/jawab", {"text": "   "})
    assert empty.status_code == 400
    assert TEXTS.text("handoff_errors", "empty") in empty.text
    answered = post_form(
        operator, page, f"{page}/jawab", {"text": "Bawa KK lama ke Disdukcapil.", "close": "1"}
    )
    assert answered.status_code == 303
    with transaction() as session:
        sent = session.scalars(
            select(Notification.response)
            .where(Notification.user_key == "555001")
            .order_by(Notification.id)
        ).all()
        request = session.get(HandoffRequest, request_id)
        assert request is not None and request.status == "closed"
    assert list(sent) == ["utter_jawaban_petugas", "utter_permintaan_petugas_selesai"]
    closed = operator.get(page).text
    assert "Bawa KK lama ke Disdukcapil." in closed and "Kirim jawaban" not in closed
