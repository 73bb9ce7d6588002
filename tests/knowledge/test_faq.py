"""knowledge/faq/*.yml: every topic answered, cited, dated; the loader refuses gaps."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from dialogue.domain import load_domain
from dialogue.responses import render_response
from knowledge.answer import (
    detail_responses,
    detail_variables,
    summary_response,
    summary_variables,
)
from knowledge.faq import FaqError, Topic, all_topics, load_topic
from knowledge.retrieval import FAQ_INTENT
from nlu.training_data import DEFAULT_DATA_DIR, read_examples

TOPICS = list(all_topics().values())
ADMINDUK = ("ktp_baru", "ktp_hilang_rusak", "kartu_keluarga", "akta_kelahiran", "akta_kematian",
            "pindah_domisili")  # fmt: skip


def test_every_nlu_faq_intent_has_a_topic_and_back() -> None:
    intents = {
        e.intent.removeprefix(FAQ_INTENT)
        for e in read_examples(DEFAULT_DATA_DIR / "faq.yml")
        if e.intent.startswith(FAQ_INTENT)
    }
    assert len(intents) == 16
    assert intents == set(all_topics())


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.id)
def test_topic_has_answer_official_source_and_date(topic: Topic) -> None:
    assert topic.title and len(topic.summary) > 40
    assert topic.official_sources, "needs a .go.id source"
    assert all(s.url.startswith("https://") or s.url.startswith("http://") for s in topic.sources)
    assert date(2026, 1, 1) <= topic.last_checked <= date.today()
    assert topic.official_channel


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.id)
def test_answer_variables_are_complete(topic: Topic) -> None:
    summary = summary_variables(topic)
    assert summary["ringkasan"] == topic.summary
    assert summary["sumber"].startswith("http")
    detail = detail_variables(topic)
    assert all(s.url in detail["sumber"] for s in topic.sources)


# Telegram and WhatsApp cut a text message at 4096 characters; leave room for markup.
MAX_MESSAGE_CHARS = 3500


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.id)
def test_every_answer_message_fits_a_chat_message(topic: Topic) -> None:
    domain = load_domain()
    short = render_response(domain, summary_response(topic), summary_variables(topic)).text
    assert short and len(short) <= 1000, "the short answer should stay short"
    variables = detail_variables(topic)
    responses = detail_responses(topic)
    assert responses[-1] == "utter_faq_detail_sumber"  # sources last
    for response in responses:
        text = render_response(domain, response, variables).text or ""
        assert 0 < len(text) <= MAX_MESSAGE_CHARS, (response, len(text))


@pytest.mark.parametrize("topic_id", ADMINDUK)
def test_population_documents_are_free_under_uu_adminduk(topic_id: str) -> None:
    topic = all_topics()[topic_id]
    assert topic.cost
    for fee in topic.cost:
        assert "Rp0" in fee.amount or "gratis" in fee.amount.lower()
        assert "79A" in fee.basis


def _amounts(topic_id: str) -> dict[str, str]:
    return {fee.item: fee.amount for fee in all_topics()[topic_id].cost}


def test_sim_fees_match_pp_76_2020() -> None:
    fees = _amounts("sim")
    assert fees["SIM A, A Umum, B I, B I Umum, B II, B II Umum (baru)"] == "Rp120.000"
    assert fees["SIM C, C I, C II (baru)"] == "Rp100.000"
    assert fees["Perpanjangan SIM C, C I, C II"] == "Rp75.000"
    assert all("PP 76/2020" in f.basis for f in all_topics()["sim"].cost if "SIM" in f.item[:12])


def test_skck_fee_matches_pp_76_2020() -> None:
    fees = all_topics()["skck"].cost
    assert any(f.amount.startswith("Rp30.000") and "76/2020" in f.basis for f in fees)


def test_no_invented_phone_numbers() -> None:
    """No local or +62 phone numbers in answers: none could be confirmed from an official
    source. (Short national service numbers such as BPJS's 165 are cited in the file.)"""
    phone = re.compile(r"(\+62|\b0\d{2,3}[- ]?\d{4,})")
    for topic in TOPICS:
        text = " ".join([topic.summary, topic.online or "", topic.official_channel,
                         *topic.requirements, *topic.steps, *topic.where])  # fmt: skip
        assert not phone.search(text), topic.id


def _write(tmp_path: Path, body: str, name: str = "x.yml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


GOOD = """
id: x
title: Judul
last_checked: 2026-11-23
summary: Jawaban singkat.
official_channel: Kantor resmi.
sources:
  - url: https://example.go.id/page
    title: Halaman
    publisher: Pemerintah
"""


def test_loader_accepts_a_minimal_topic(tmp_path: Path) -> None:
    topic = load_topic(_write(tmp_path, GOOD))
    assert topic.id == "x" and topic.official_sources


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("summary: Jawaban singkat.", "summary: ''"), "summary"),
        (("last_checked: 2026-11-23", "last_checked: kemarin"), "last_checked"),
        (("https://example.go.id/page", "https://example.com/page"), "official"),
        (("id: x", "id: y"), "file name"),
        (("official_channel: Kantor resmi.", ""), "official_channel"),
    ],
)
def test_loader_refuses_gaps(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    with pytest.raises(FaqError, match=message):
        load_topic(_write(tmp_path, GOOD.replace(*change)))


def test_loader_refuses_a_fee_without_basis(tmp_path: Path) -> None:
    body = GOOD + "cost:\n  - item: Biaya\n    amount: Rp10.000\n"
    with pytest.raises(FaqError, match="basis"):
        load_topic(_write(tmp_path, body))


def test_loader_refuses_no_sources(tmp_path: Path) -> None:
    body = GOOD[: GOOD.index("sources:")]
    with pytest.raises(FaqError, match="no sources"):
        load_topic(_write(tmp_path, body))
