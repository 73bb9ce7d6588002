"""Bad input at the edge and what the message log keeps (issue 13, findings 7 and 9).

Through the real engine on both databases, with a fixed parser (no NLU model).
"""

from __future__ import annotations

import math
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from core.db import transaction
from core.timestamps import utcnow
from dialogue import store
from dialogue.engine import DialogueEngine
from dialogue.messages import (
    INVALID_LOCATION,
    MEDIA_TOO_LARGE,
    GeoPoint,
    Inbound,
    InboundMedia,
)
from dialogue.models import Conversation, MessageLog, ProcessedUpdate
from dialogue.sanitize import clean_text, location_valid, sanitize_inbound
from nlu.entities import extract_entities
from tests.dialogue.test_engine import COMPLAINT, fixed_parse
from tickets.models import Ticket

PIN = GeoPoint(-5.3719, 105.2393)
NIK = "1871012345670001"
PHONE = "0812-3456-7889"


def parse(text: str) -> dict[str, Any]:
    """fixed_parse, and any text about a pothole is a road complaint."""
    if "berlubang" in text and not text.startswith("/"):
        return {
            "text": text,
            "intent": {"name": "lapor", "confidence": 0.95},
            "full_retrieval_intent": "lapor/jalan_rusak",
            "confidence": 0.95,
            "entities": extract_entities(text),
            "intent_ranking": [{"name": "lapor/jalan_rusak", "confidence": 0.95}],
        }
    return fixed_parse(text)


@pytest.fixture
def engine(db: str) -> DialogueEngine:
    return DialogueEngine(parse=parse)


def _send(engine: DialogueEngine, text: str | None = None, **kwargs: Any) -> list[str]:
    inbound = Inbound("test", "u1", uuid.uuid4().hex, text=text, **kwargs)
    return [o.text or "" for o in engine.handle(inbound)]


def _file(engine: DialogueEngine, description: str) -> list[str]:
    _send(engine, description)
    _send(engine, location=PIN)
    _send(engine, "lewati")
    return _send(engine, "ya")


def _logged(direction: str | None = None) -> list[dict[str, Any]]:
    with transaction() as session:
        query = select(MessageLog).order_by(MessageLog.id)
        if direction:
            query = query.where(MessageLog.direction == direction)
        return [m.payload for m in session.scalars(query)]


# --- control characters -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\x00b", "ab"),
        ("\x1b[31mmerah\x1b[0m", "merah"),
        ("\x1b[2J\x1b[1;1Hlayar", "layar"),
        ("judul\x1b]0;pwned\x07!", "judul!"),
        ("tautan \x1b]8;;http://x\x1b\\klik\x1b]8;;\x1b\\", "tautan klik"),
        ("baris\r\nbaru\tkolom", "baris\nbaru\tkolom"),
        ("del\x7f c1\x85\x9b", "del c1"),
        ("\u202eabc\u202c \u2066x\u2069", "abc x"),
        ("emoji 👍🏽 dan huruf é", "emoji 👍🏽 dan huruf é"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_every_text_of_an_inbound_is_cleaned() -> None:
    dirty = Inbound(
        "test", "u", "1", text="a\x00", display_name="\x1b[1mSiti\x1b[0m",
        button_payload="/affirm\x00", photo=InboundMedia("/tmp/x", "image/png\x00", "f\u202e.png"),
    )  # fmt: skip
    clean = sanitize_inbound(dirty)
    assert (clean.text, clean.display_name, clean.button_payload) == ("a", "Siti", "/affirm")
    assert clean.photo == InboundMedia("/tmp/x", "image/png", "f.png")


def test_nul_and_ansi_in_a_complaint_file_a_clean_ticket(engine: DialogueEngine) -> None:
    """On PostgreSQL a NUL made the insert fail and the conversation stuck."""
    dirty = COMPLAINT.replace(" besar", "\x00 besar").replace("depan", "\x1b[31mdepan") + "\x1b[0m"
    replies = _file(engine, dirty)
    assert any("LPG-" in r for r in replies)
    with transaction() as session:
        [ticket] = session.scalars(select(Ticket)).all()
        assert ticket.description == COMPLAINT
    assert "\x00" not in str(_logged()) and "\x1b" not in str(_logged())


# --- coordinates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "point",
    [
        (math.nan, 105.2),
        (-5.3, math.inf),
        (-math.inf, 105.2),
        (91.0, 105.2),
        (-5.3, 180.5),
    ],
)
def test_location_valid_refuses_what_is_no_place(point: tuple[float, float]) -> None:
    assert not location_valid(GeoPoint(*point))
    assert sanitize_inbound(Inbound("t", "u", "1", location=GeoPoint(*point))).unsupported == (
        INVALID_LOCATION
    )
    assert location_valid(PIN)


@pytest.mark.parametrize("point", [(math.nan, math.nan), (-5.37, math.inf), (123.0, 105.0)])
def test_an_invalid_pin_in_the_form_is_refused_with_a_message(
    engine: DialogueEngine, point: tuple[float, float]
) -> None:
    _send(engine, COMPLAINT)
    replies = _send(engine, location=GeoPoint(*point))
    assert "tidak valid" in replies[0]
    assert "lokasi" in replies[-1].lower()  # asked again
    replies = _send(engine, location=PIN)  # a real pin still works afterwards
    assert any("foto" in r.lower() for r in replies)
    assert "nan" not in str(_logged()).lower()


def test_an_invalid_pin_outside_the_form_is_refused(engine: DialogueEngine) -> None:
    assert "tidak valid" in _send(engine, location=GeoPoint(math.nan, 105.0))[0]


# --- media over the download cap ----------------------------------------------------------


def test_a_file_too_large_to_fetch_is_called_too_large(engine: DialogueEngine) -> None:
    (reply,) = _send(engine, unsupported=MEDIA_TOO_LARGE)
    assert "terlalu besar" in reply and "belum bisa" not in reply
    _send(engine, COMPLAINT)
    _send(engine, location=PIN)
    replies = _send(engine, unsupported=MEDIA_TOO_LARGE)
    assert "terlalu besar" in replies[0]
    assert "foto" in replies[-1].lower()  # the form asks for the photo again


# --- the message log ----------------------------------------------------------------------


def test_outbound_rows_are_masked_too(engine: DialogueEngine) -> None:
    """The confirmation quotes the description: its NIK and phone must not be logged."""
    description = f"jalan berlubang besar, hubungi {PHONE} nik {NIK}"
    _send(engine, description)
    _send(engine, location=PIN)
    replies = _send(engine, "lewati")
    assert NIK in replies[-1]  # the citizen sees their own text
    dumped = str(_logged())
    assert NIK not in dumped and "3456" not in dumped
    assert "187101**********" in str(_logged("out")) and "0812******89" in str(_logged("out"))


def test_long_texts_are_cut_and_marked(engine: DialogueEngine) -> None:
    text = "x" * 100_251
    _send(engine, text)
    [inbound] = _logged("in")
    logged = inbound["inbound"]
    assert len(logged["text"]) == store.MAX_LOGGED_TEXT
    assert logged[store.TRUNCATED_KEY] == 100_251
    assert store.bounded({"text": "y" * 5000})[store.TRUNCATED_KEY] == 5000
    assert store.TRUNCATED_KEY not in store.bounded({"text": "kecil"})


def test_purge_deletes_old_log_rows_and_old_guard_ids(engine: DialogueEngine) -> None:
    _send(engine, "status")
    _send(engine, "status")
    now = utcnow()
    with transaction() as session:
        first_update = session.scalar(select(func.min(ProcessedUpdate.id)))
        first_log = session.scalar(select(func.min(MessageLog.id)))
        session.execute(update(MessageLog).where(MessageLog.id == first_log)
                        .values(created_at=now - timedelta(days=3)))  # fmt: skip
        session.execute(update(ProcessedUpdate).where(ProcessedUpdate.id == first_update)
                        .values(created_at=now - timedelta(days=3)))  # fmt: skip
    with transaction() as session:
        kept = store.purge_logs(session=session, before=now - timedelta(days=2), now=now)
    # 3 days old: the log row goes, the guard id stays (a platform may redeliver for 7 days).
    assert (kept.messages, kept.updates) == (1, 0)
    with transaction() as session:
        session.execute(update(ProcessedUpdate).where(ProcessedUpdate.id == first_update)
                        .values(created_at=now - timedelta(days=8)))  # fmt: skip
        purged = store.purge_logs(session=session, before=now - timedelta(days=2), now=now)
    assert (purged.messages, purged.updates) == (0, 1)
    with transaction() as session:
        assert session.scalar(select(Conversation.id)) is not None  # conversations stay
