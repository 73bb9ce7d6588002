"""Photos of a report on the console (issue 14, finding 6): at most
MAX_PHOTOS_PER_REPORT, the same picture once, a photo sent before the report kept
for it, a damaged file refused with its reason, an album answered once."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

from sqlalchemy import func, select

from core.db import transaction
from dialogue.engine import DialogueEngine
from dialogue.messages import Inbound, InboundMedia
from tests.conftest import MakeImage
from tests.support.chat import Chat
from tickets.models import Attachment, Ticket
from tickets.service import get_ticket_by_number

NUMBER = re.compile(r"LPG-\d{4}-\d{6}")
RAJABASA = ("-5.3719", "105.2393")
COMPLAINT = "jalan di depan sdn 2 rajabasa berlubang besar, sudah banyak motor jatuh"


def _photos(make_image: MakeImage, tmp_path: Path, count: int) -> list[Path]:
    # Different colours: different pictures (and content hashes).
    return [
        make_image(tmp_path / f"foto{i}.jpg", fmt="JPEG", color=(30 * i, 90, 200 - 20 * i))
        for i in range(count)
    ]


def _up_to_photo_question(chat: Chat) -> None:
    chat.say(COMPLAINT)
    reply = chat.say(f"/lokasi {RAJABASA[0]} {RAJABASA[1]}")
    assert "Kirim foto" in reply, reply


def _file(chat: Chat) -> Ticket:
    reply = chat.say("ya")
    number = NUMBER.search(reply)
    assert number, reply
    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=number.group())
        assert ticket is not None
        session.expunge(ticket)
        return ticket


def _attachments(ticket_id: int) -> list[Attachment]:
    with transaction() as session:
        rows = session.scalars(select(Attachment).where(Attachment.ticket_id == ticket_id)).all()
        session.expunge_all()
        return list(rows)


def test_five_photos_at_most_the_sixth_is_refused(
    chat: Chat, make_image: MakeImage, tmp_path: Path
) -> None:
    photos = _photos(make_image, tmp_path, 6)
    _up_to_photo_question(chat)
    reply = chat.say(f"/foto {photos[0]}")
    assert "Foto diterima (1 dari 5)" in reply
    assert "Foto: 1" in reply  # the summary follows
    for i, photo in enumerate(photos[1:5], start=2):
        reply = chat.say(f"/foto {photo}")
        assert f"Foto diterima ({i} dari 5)" in reply
        assert f"Foto: {i}" in reply
    reply = chat.say(f"/foto {photos[5]}")
    assert "sudah berisi 5 foto" in reply
    assert "tidak kami simpan" in reply
    assert "Foto: 5" in reply  # asked again, nothing lost
    ticket = _file(chat)
    assert len(_attachments(ticket.id)) == 5
    with transaction() as session:  # the refused sixth left no row behind
        assert session.scalar(select(func.count()).select_from(Attachment)) == 5


def test_the_same_photo_twice_is_listed_once(
    chat: Chat, make_image: MakeImage, tmp_path: Path
) -> None:
    photo = _photos(make_image, tmp_path, 1)[0]
    copy = tmp_path / "salinan.jpg"
    copy.write_bytes(photo.read_bytes())
    _up_to_photo_question(chat)
    chat.say(f"/foto {photo}")
    reply = chat.say(f"/foto {copy}")
    assert "sudah Anda kirim sebelumnya" in reply
    assert "Foto: 1" in reply
    ticket = _file(chat)
    assert len(_attachments(ticket.id)) == 1
    with transaction() as session:
        assert session.scalar(select(func.count()).select_from(Attachment)) == 1


def test_a_photo_sent_first_joins_the_report_that_follows(
    chat: Chat, make_image: MakeImage, tmp_path: Path
) -> None:
    photo = _photos(make_image, tmp_path, 1)[0]
    reply = chat.say(f"/foto {photo}")
    assert "akan kami lampirkan pada laporan Anda" in reply
    assert "belum bisa menjawab" not in reply  # not an unanswered question
    chat.say(COMPLAINT)
    reply = chat.say(f"/lokasi {RAJABASA[0]} {RAJABASA[1]}")
    assert "Foto: 1" in reply  # no photo question: the summary at once
    ticket = _file(chat)
    assert len(_attachments(ticket.id)) == 1


def test_a_photo_sent_first_goes_with_batal(
    chat: Chat, make_image: MakeImage, tmp_path: Path
) -> None:
    chat.say(f"/foto {_photos(make_image, tmp_path, 1)[0]}")
    assert "tidak kami lampirkan" in chat.say("batal")
    chat.say(COMPLAINT)
    reply = chat.say(f"/lokasi {RAJABASA[0]} {RAJABASA[1]}")
    assert "Kirim foto" in reply  # asked: the photo is no longer pending


def test_truncated_and_random_files_are_refused_with_their_reason(
    chat: Chat, make_image: MakeImage, tmp_path: Path
) -> None:
    whole = make_image(tmp_path / "utuh.jpg", fmt="JPEG", size=(400, 300)).read_bytes()
    truncated = tmp_path / "terpotong.jpg"
    truncated.write_bytes(whole[: len(whole) // 2])
    noise = tmp_path / "acak.jpg"
    noise.write_bytes(os.urandom(4096))
    _up_to_photo_question(chat)
    reply = chat.say(f"/foto {truncated}")
    assert "rusak atau tidak terkirim utuh" in reply
    assert "Kirim foto" in reply  # the question again
    reply = chat.say(f"/foto {noise}")
    assert "bukan foto" in reply
    reply = chat.say("lewati")
    assert "Foto: 0" in reply
    ticket = _file(chat)
    assert _attachments(ticket.id) == []


def _album_photo(engine: DialogueEngine, path: Path, *, more_follow: bool) -> list[str]:
    inbound = Inbound(
        "console", "budi", uuid.uuid4().hex, photo=InboundMedia(str(path), None, path.name),
        more_follow=more_follow,
    )  # fmt: skip
    return [r.text or "" for r in engine.handle(inbound)]


def test_an_album_is_acknowledged_once(
    chat: Chat, engine: DialogueEngine, make_image: MakeImage, tmp_path: Path
) -> None:
    """The channel marks every photo but the last of an album as followed by more:
    those are stored silently, the last one answers for all."""
    photos = _photos(make_image, tmp_path, 3)
    _up_to_photo_question(chat)
    assert _album_photo(engine, photos[0], more_follow=True) == []
    assert _album_photo(engine, photos[1], more_follow=True) == []
    replies = _album_photo(engine, photos[2], more_follow=False)
    assert replies[0] == "Foto diterima (3 dari 5)."
    assert "Foto: 3" in replies[1]
    assert len(replies) == 2
    ticket = _file(chat)
    assert len(_attachments(ticket.id)) == 3


def test_an_album_before_the_report_is_acknowledged_once(
    chat: Chat, engine: DialogueEngine, make_image: MakeImage, tmp_path: Path
) -> None:
    photos = _photos(make_image, tmp_path, 2)
    assert _album_photo(engine, photos[0], more_follow=True) == []
    (reply,) = _album_photo(engine, photos[1], more_follow=False)
    assert "Foto diterima (2 dari 5)" in reply
    chat.say(COMPLAINT)
    reply = chat.say(f"/lokasi {RAJABASA[0]} {RAJABASA[1]}")
    assert "Foto: 2" in reply
    ticket = _file(chat)
    assert len(_attachments(ticket.id)) == 2
