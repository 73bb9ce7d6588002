"""python -m bot knowledge: list, ask, region, unanswered (JSON output for scripts)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from core.db import transaction
from core.settings import ROOT_DIR
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


def test_ask_json_answers_with_topic_score_and_text() -> None:
    result = _json("ask", "berapa biaya perpanjang sim c")
    assert result["topic"] == "sim" and result["answered"]
    assert result["score"] > 0
    assert "Sumber: https://" in result["answer"]


def test_ask_without_a_confident_answer_exits_2() -> None:
    out = _run("ask", "harga cabai hari ini", "--json", check=False)
    assert out.returncode == 2
    assert json.loads(out.stdout)["answered"] is False


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
