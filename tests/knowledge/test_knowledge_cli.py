"""python -m bot knowledge: list, ask, stale, region, unanswered (JSON for scripts)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from sqlalchemy import func, select

from channels.console import format_outbound
from core.db import transaction
from core.settings import ROOT_DIR
from dialogue.engine import DialogueEngine
from dialogue.messages import Inbound
from dialogue.models import Conversation
from knowledge.models import UnansweredQuestion
from knowledge.unanswered import log_unanswered


def _run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "knowledge", *args],
        capture_output=True, text=True, check=check, cwd=ROOT_DIR,
    )  # fmt: skip


def _json(*args: str) -> Any:
    return json.loads(_run(*args, "--json").stdout)


def test_list_json() -> None:
    topics = _json("list")
    assert len(topics) == 16
    for topic in topics:
        assert topic["title"] and topic["sources"] and topic["last_checked"]
        assert topic["facets"] and set(topic["unconfirmed"]) <= set(topic["facets"])


def test_ask_json_answers_with_topic_facet_and_text(db: str) -> None:
    result = _json("ask", "berapa lama bikin paspor")
    assert (result["topic"], result["facet"]) == ("paspor", "lama")
    assert "Lama proses" in result["answer"] and "Sumber (dicek" in result["answer"]


def test_ask_answers_the_readme_example(db: str) -> None:
    """README's own example; the old search-only `ask` found nothing for it."""
    result = _json("ask", "syarat bikin sim")
    assert (result["topic"], result["facet"]) == ("sim", "syarat")


def test_ask_follows_up_on_earlier_messages(db: str) -> None:
    result = _json("ask", "terus biayanya berapa?", "--sebelumnya", "syarat bikin ktp apa aja")
    assert (result["topic"], result["facet"]) == ("ktp_baru", "biaya")


def test_ask_equals_the_chat_answer(db: str) -> None:
    """`knowledge ask` prints exactly what the chat replies to the same messages."""
    engine = DialogueEngine()
    chat = []
    for n, text in enumerate(["syarat bikin ktp apa aja", "kalo online bisa?"]):
        replies = engine.handle(Inbound("console", "warga", f"u{n}", text=text))
        chat.append("\n\n".join(format_outbound(reply, engine) for reply in replies))
    asked = _run("ask", "kalo online bisa?", "--sebelumnya", "syarat bikin ktp apa aja").stdout
    assert asked.rstrip("\n") == chat[-1]
    first = _run("ask", "syarat bikin ktp apa aja").stdout
    assert first.rstrip("\n") == chat[0]


def test_ask_stores_nothing(db: str) -> None:
    out = _run("ask", "kapan pendaftaran cpns dibuka?", "--json", check=False)
    assert out.returncode == 2 and json.loads(out.stdout)["topic"] is None
    with transaction() as session:
        assert session.scalar(select(func.count()).select_from(UnansweredQuestion)) == 0
        assert session.scalar(select(func.count()).select_from(Conversation)) == 0


def test_stale_lists_facts_checked_too_long_ago() -> None:
    assert _json("stale", "--days", "100000") == []
    due = _json("stale", "--days", "-1")  # every fact was checked before tomorrow
    assert len(due) > 100
    assert {"topic", "facet", "checked", "text", "sources"} <= set(due[0])
    assert all(fact["sources"] for fact in due if fact["confirmed"])
    assert _run("stale", "--days", "0").stdout.strip().endswith("hari lalu.")


def test_python_m_knowledge_is_the_same_command() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "knowledge", "stale", "--days", "-1", "--json"],
        capture_output=True, text=True, check=True, cwd=ROOT_DIR,
    )  # fmt: skip
    assert json.loads(out.stdout) == _json("stale", "--days", "-1")


def test_region_json() -> None:
    match = _json("region", "--lat", "-5.4292", "--lon", "105.2610")
    assert match["in_lampung"] and match["region_code"] == "bandar_lampung"
    outside = _json("region", "--lat", "-2.9167", "--lon", "104.7458")
    assert not outside["in_lampung"] and outside["province"] == "Sumatera Selatan"


def test_invalid_coordinates_exit_1() -> None:
    out = _run("region", "--lat", "95", "--lon", "105", check=False)
    assert out.returncode == 1


def test_unanswered_lists_logged_questions(db: str) -> None:
    with transaction() as session:
        log_unanswered(
            session=session, channel="telegram", user_key="42",
            text="nik saya 1871012345670001 kapan cpns dibuka?", best_topic=None, best_score=None,
        )  # fmt: skip
    [question] = _json("unanswered")
    assert question["channel"] == "telegram"
    assert "1871012345670001" not in question["text"]  # NIK masked
    assert "cpns" in question["text"]
