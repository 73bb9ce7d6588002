"""After filing over WhatsApp (issue 14, finding 7): a photo added to a filed ticket
arrives as a Graph media download, and the status of a resolved ticket comes with
the agency's resolution photo uploaded and sent as an image."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from core.db import transaction
from tests import factories
from tests.channels.whatsapp.test_whatsapp_e2e import WA, _file_complaint, jpeg
from tests.conftest import MakeImage
from tests.support import webhook_events as events
from tests.support.fake_graph import FakeGraph
from tests.support.whatsapp_harness import Served, body_texts, dumps, serve
from tickets.media import store_photo
from tickets.models import Notification
from tickets.service import get_ticket_by_number
from tickets.workflow import Request, perform


@pytest.fixture
def served(db: str, media_dir: Path, nlu_model_dir: Path) -> Iterator[Served]:
    import nlu

    nlu.get_parser(nlu_model_dir)
    with serve(database_url=db, media_dir=media_dir, fake=FakeGraph()) as app:
        yield app
    assert app.fake.violations == [], app.fake.violations


def test_photo_added_to_a_ticket_and_the_resolution_photo_in_status(
    served: Served, make_image: MakeImage, tmp_path: Path
) -> None:
    with transaction() as session:
        operators = factories.staff_chat(session=session, region="bandar_lampung",
                                         channel="telegram")  # fmt: skip
    number = _file_complaint(served)

    asked = body_texts(served.say(WA, "tambah keterangan"))  # the only open ticket
    assert any(f"untuk laporan {number}" in t for t in asked), asked
    photo_id = served.fake.add_media(jpeg((320, 240)), "image/jpeg")
    done = body_texts(served.send(events.image_message(WA, photo_id)))
    assert any("Tambahan keterangan sudah kami teruskan" in t for t in done), done
    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=number)
        assert ticket is not None
        [added] = [e for e in ticket.events if e.kind == "citizen_addition"]
        [attachment_id] = added.data["photo_ids"]
        assert attachment_id in [a.id for a in ticket.attachments]
        assert len(ticket.attachments) == 2  # the report's photo and the added one
        alert = session.scalars(
            select(Notification).where(Notification.response == "utter_staf_tambahan_keterangan")
        ).one()
        assert alert.user_key == operators.chat_key and alert.attachment_path

        admin = factories.staff(session=session, role="admin", contacts=())
        result = make_image(tmp_path / "hasil.png", color=(0, 160, 0))
        work = store_photo(session=session, source_path=result)
        for action, request in (("forward", Request(agency="dinas_pupr")),
                                ("resolve", Request(note="Lubang sudah ditambal",
                                                    photo_ids=[work.id]))):  # fmt: skip
            perform(session=session, ticket=ticket, action=action, actor=admin, request=request)

    uploads_before = len(served.fake.uploads)
    status = served.say(WA, f"cek {number}")
    text = dumps(status)
    assert "Diselesaikan: Lubang sudah ditambal" in text and "Belum beres" in text
    images = [p for p in status if p["type"] == "image"]
    assert len(images) == 1 and len(served.fake.uploads) == uploads_before + 1
    assert images[0]["image"]["id"] == served.fake.uploads[-1]
