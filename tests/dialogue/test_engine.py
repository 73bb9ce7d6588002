"""Dialogue engine guarantees, with a fixed parser so no NLU model is involved."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from core.db import transaction
from dialogue import store
from dialogue.engine import DialogueEngine
from dialogue.interpreter import resolve_button
from dialogue.messages import GeoPoint, Inbound, Outbound
from dialogue.models import Conversation, MessageLog, ProcessedUpdate
from dialogue.responses import fill
from dialogue.rules import load_rules
from nlu.emergency import EmergencyDetector
from nlu.entities import extract_entities
from nlu.normalize import Normalizer
from nlu.parser import parse_payload
from tickets.models import Ticket

COMPLAINT = "jalan berlubang besar depan sdn 2 rajabasa"
# An accident with a victim now (a habit such as "sering kecelakaan" is no emergency).
ACCIDENTS = "ada kecelakaan di jalan berlubang depan sdn 2 rajabasa, korbannya tergeletak"
KNOWN: dict[str, tuple[str, str | None]] = {
    COMPLAINT: ("lapor", "lapor/jalan_rusak"),
    ACCIDENTS: ("lapor", "lapor/jalan_rusak"),
    "lewati": ("lewati", None),
    "ya": ("affirm", None),
    "status": ("cek_status", None),
}


UNSURE = "kali di belakang pasar item baunya nyengat banget"
UNSURE_RANKING = [
    {"name": "lapor/sampah", "confidence": 0.31},
    {"name": "lapor/lingkungan", "confidence": 0.27},
    {"name": "greet", "confidence": 0.2},
    {"name": "faq/sim", "confidence": 0.1},
    {"name": "lapor/listrik", "confidence": 0.01},
]


DANGER = EmergencyDetector.from_file(Normalizer.from_file())


def fixed_parse(text: str) -> dict[str, Any]:
    payload = parse_payload(text)
    if payload is not None:
        return payload
    if text == UNSURE:
        return {
            "text": text,
            "intent": {"name": "lapor", "confidence": 0.3},  # below the threshold
            "full_retrieval_intent": "lapor/sampah",
            "confidence": 0.31,
            "entities": [],
            "intent_ranking": UNSURE_RANKING,
        }
    intent, full = KNOWN.get(text, ("out_of_scope", None))
    danger = DANGER.detect(text)
    return {
        "text": text,
        "intent": {"name": intent, "confidence": 0.95},
        "full_retrieval_intent": full,
        "confidence": 0.95,
        "entities": extract_entities(text) + ([danger.entity()] if danger else []),
        "intent_ranking": [{"name": full or intent, "confidence": 0.95}],
    }


@pytest.fixture
def engine(db: str) -> DialogueEngine:
    return DialogueEngine(parse=fixed_parse)


class User:
    def __init__(self, engine: DialogueEngine, key: str = "u1") -> None:
        self.engine, self.key = engine, key

    def inbound(self, text: str | None = None, **kwargs: Any) -> Inbound:
        return Inbound("test", self.key, uuid.uuid4().hex, text=text, **kwargs)

    def send(self, text: str | None = None, **kwargs: Any) -> list[str]:
        return [o.text or "" for o in self.engine.handle(self.inbound(text, **kwargs))]


def _count(model: type) -> int:
    with transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _requested_slot() -> Any:
    with transaction() as session:
        conversation = session.scalars(select(Conversation)).one()
        return conversation.state["slots"].get("requested_slot")


def _to_confirmation(user: User) -> None:
    user.send(COMPLAINT)
    user.send(location=GeoPoint(-5.3719, 105.2393))
    user.send("lewati")
    assert _requested_slot() == "konfirmasi"


def test_redelivered_update_is_processed_once(engine: DialogueEngine) -> None:
    user = User(engine)
    _to_confirmation(user)
    confirm = user.inbound("ya")
    first = engine.handle(confirm)
    assert any("LPG-" in (o.text or "") for o in first)
    logged = _count(MessageLog)

    assert engine.handle(confirm) == []
    assert _count(Ticket) == 1
    assert _count(MessageLog) == logged


def test_a_failing_message_records_nothing_and_can_be_retried(
    engine: DialogueEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = User(engine)
    _to_confirmation(user)
    confirm = user.inbound("ya")
    processed = _count(ProcessedUpdate)

    def broken_save(**kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "save_state", broken_save)
    with pytest.raises(RuntimeError):
        engine.handle(confirm)
    # The ticket was created inside the same transaction: it must be gone too.
    assert _count(Ticket) == 0
    assert _count(ProcessedUpdate) == processed
    assert _requested_slot() == "konfirmasi"

    monkeypatch.undo()
    replies = engine.handle(confirm)  # the channel redelivers the same update
    assert any("LPG-" in (o.text or "") for o in replies)
    assert _count(Ticket) == 1


def test_concurrent_first_messages_of_one_user(engine: DialogueEngine) -> None:
    errors: list[BaseException] = []

    def send(i: int) -> None:
        try:
            engine.handle(Inbound("test", "same-user", f"c-{i}", text="status"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _count(Conversation) == 1
    assert _count(ProcessedUpdate) == 6


def test_state_survives_a_new_engine(engine: DialogueEngine) -> None:
    User(engine, "r").send(COMPLAINT)
    fresh = DialogueEngine(parse=fixed_parse)
    replies = User(fresh, "r").send(location=GeoPoint(-5.3719, 105.2393))
    assert any("foto" in r.lower() for r in replies)


def test_unsupported_message_is_answered_and_form_continues(engine: DialogueEngine) -> None:
    user = User(engine)
    user.send(COMPLAINT)
    replies = user.send(unsupported="sticker")
    assert "belum bisa saya proses" in replies[0]
    assert "lokasi" in replies[-1].lower()


def test_photo_sent_early_is_kept(engine: DialogueEngine, make_image: Any, tmp_path: Path) -> None:
    from dialogue.messages import InboundMedia

    user = User(engine)
    user.send(COMPLAINT)
    photo = make_image(tmp_path / "a.png")
    user.send(photo=InboundMedia(str(photo)))  # before the pin
    replies = user.send(location=GeoPoint(-5.3719, 105.2393))
    assert "Foto: 1" in replies[-1]


def test_unsure_message_asks_back_and_keeps_the_text(engine: DialogueEngine) -> None:
    user = User(engine)
    (reply,) = engine.handle(user.inbound(UNSURE))
    assert "kurang yakin" in (reply.text or "")
    # Plausible readings only (no greeting, nothing under 5 %), then a way out.
    assert [b.title for b in reply.buttons] == [
        "Sampah",
        "Lingkungan (pencemaran, pohon tumbang)",
        "SIM",
        "Lainnya",  # a complaint, but of none of the kinds offered
        "Bukan semuanya",
    ]
    replies = user.send("2")  # the user's own choice wins over the classifier's top guess
    assert "lokasi" in replies[-1].lower()
    user.send(location=GeoPoint(-5.3719, 105.2393))
    summary = user.send("lewati")[-1]
    assert "Kategori: Lingkungan" in summary
    assert f"Uraian: {UNSURE}" in summary


def test_stored_events_keep_no_rankings_and_no_second_text(engine: DialogueEngine) -> None:
    """The rankings stay in latest_message only and a reply's text is stored once:
    the conversation row is read and written on every turn."""
    user = User(engine)
    user.send(UNSURE)
    with transaction() as session:
        conversation = session.scalars(select(Conversation)).one()
        events, latest = conversation.events, conversation.state["latest_message"]
    (said,) = [e for e in events if e["event"] == "user"]
    assert said["text"] == UNSURE and said["parse_data"]["intent"]["name"]
    assert "intent_ranking" not in said["parse_data"]
    assert latest["intent_ranking"] == UNSURE_RANKING
    (reply,) = [e for e in events if e["event"] == "bot"]
    assert "kurang yakin" in reply["text"] and "text" not in reply["data"]
    assert reply["data"]["buttons"]


def test_pending_text_is_not_reused_by_a_later_report(engine: DialogueEngine) -> None:
    user = User(engine)
    user.send(UNSURE)
    user.send("Bukan semuanya")
    replies = user.send('/pilih_kategori{"kategori": "sampah"}')
    assert "ceritakan" in replies[-1].lower()  # asks for a description afresh


def test_nik_and_phone_are_masked_in_the_message_log(engine: DialogueEngine) -> None:
    user = User(engine)
    user.send("nik saya 1871012345670001, hp 0812-3456-7889")
    with transaction() as session:
        logged = [m.payload for m in session.scalars(select(MessageLog))]
    dumped = str(logged)
    assert "1871012345670001" not in dumped
    assert "3456" not in dumped
    assert "187101**********" in dumped
    assert "0812******89" in dumped


def test_complaint_mentioning_an_emergency_points_to_112_and_goes_on(
    engine: DialogueEngine,
) -> None:
    replies = User(engine).send(ACCIDENTS)
    assert "112" in replies[0]
    assert "lokasi" in replies[-1].lower()  # the report goes on


def test_fill_drops_lines_of_empty_placeholders() -> None:
    template = "A: {a}\n{optional}\nB: {b}\n\nC"
    assert fill(template, {"a": 1, "b": 2}) == "A: 1\nB: 2\n\nC"
    assert fill("{unknown} x {", {}) == "{unknown} x {"


def test_fill_optional_lines_go_with_their_values() -> None:
    template = "T\n?Biaya: {biaya}\n?Syarat: {syarat}\n?{a} dan {b}"
    assert fill(template, {"syarat": "\n• KK", "a": "x"}) == "T\nSyarat:\n• KK"
    assert fill(template, {"biaya": "Rp0", "a": "x", "b": "y"}) == "T\nBiaya: Rp0\nx dan y"


def test_empty_messages_are_not_sent(engine: DialogueEngine) -> None:
    assert Outbound(text="  \n").empty
    assert not Outbound(text="", request_location=True).empty
    # A response whose optional lines all drop out renders as empty (and _reply skips it).
    assert Outbound(text=fill("?Biaya: {biaya}\n?Lama: {lama}", {})).empty
    user = User(engine)
    replies = engine.handle(user.inbound('/faq_detail{"topik": "tidak_ada"}'))
    assert [r.text for r in replies] == [
        "Maaf, informasi itu tidak ditemukan. Silakan ketik pertanyaan Anda lagi."
    ]


def test_typed_buttons_resolve_by_number_and_label() -> None:
    buttons = [{"title": "Ya, kirim", "payload": "/affirm"}, {"title": "Tidak", "payload": "/deny"}]
    assert resolve_button("1", buttons) == "/affirm"
    assert resolve_button(" TIDAK ", buttons) == "/deny"
    assert resolve_button("ya kirim", buttons) == "/affirm"
    assert resolve_button("3", buttons) is None
    assert resolve_button("sampah", buttons) is None


def test_rules_reject_unsupported_shapes(tmp_path: Path) -> None:
    path = tmp_path / "rules.yml"
    path.write_text("rules:\n- rule: x\n  steps:\n  - action: utter_greet\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unsupported shape"):
        load_rules({"laporan_form"}, path)
    path.write_text(
        "rules:\n- rule: a\n  steps:\n  - intent: greet\n  - action: x\n"
        "- rule: b\n  steps:\n  - intent: greet\n  - action: y\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="exists already"):
        load_rules(set(), path)
