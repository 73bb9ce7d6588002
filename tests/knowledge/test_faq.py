"""knowledge/faq/*.yml: every topic organised by facet, every fact cited and dated,
every answer short enough for a chat; the loader refuses gaps."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from dialogue.domain import load_domain
from dialogue.responses import render_response
from knowledge.answer import Reply, answer
from knowledge.facets import facet_book
from knowledge.faq import FaqError, Topic, all_topics, load_topic
from knowledge.retrieval import FAQ_INTENT
from nlu.training_data import DEFAULT_DATA_DIR, read_examples

TOPICS = list(all_topics().values())
ADMINDUK = ("ktp_baru", "ktp_hilang_rusak", "kartu_keluarga", "akta_kelahiran", "akta_kematian",
            "pindah_domisili")  # fmt: skip
# The limits, in characters of the rendered reply.
MAX_OVERVIEW_REPLY = 600
MAX_FACET_REPLY = 1000
# Telegram and WhatsApp cut a text message at 4096 characters; leave room for markup.
MAX_MESSAGE_CHARS = 3500


def _text(reply: Reply) -> str:
    return render_response(load_domain(), reply.response, reply.variables).text or ""


def test_every_nlu_faq_intent_has_a_topic_and_back() -> None:
    intents = {
        e.intent.removeprefix(FAQ_INTENT)
        for e in read_examples(DEFAULT_DATA_DIR / "faq.yml")
        if e.intent.startswith(FAQ_INTENT)
    }
    assert len(intents) == 16
    assert intents == set(all_topics())


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.id)
def test_every_fact_is_cited_and_dated(topic: Topic) -> None:
    assert topic.title and topic.terms and topic.official_channel
    for _, entry in topic.entries():
        assert date(2026, 1, 1) <= entry.checked <= date.today()
        if entry.confirmed:
            assert entry.source_keys and all(k in topic.sources for k in entry.source_keys)
    assert all(s.url.startswith(("https://", "http://")) for s in topic.sources.values())


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.id)
def test_every_answer_fits_its_length(topic: Topic) -> None:
    """The overview at most about 600 characters, a facet about 1,000, on every
    topic and facet (also one the topic has no data for), the source list one message."""
    overview = _text(answer(topic, None))
    assert 0 < len(overview) <= MAX_OVERVIEW_REPLY, len(overview)
    for facet in facet_book().ids:
        text = _text(answer(topic, facet))
        assert 0 < len(text) <= MAX_FACET_REPLY, (facet, len(text))
    assert len(_text(answer(topic, None, sources=True))) <= MAX_MESSAGE_CHARS


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.id)
def test_a_facet_answer_says_only_that_facet(topic: Topic) -> None:
    for facet, entries in topic.facets.items():
        text = _text(answer(topic, facet))
        assert facet_book().get(facet).label in text.splitlines()[0]
        for entry in entries:
            assert entry.text in text
        others = [e for f, es in topic.facets.items() if f != facet for e in es]
        assert not any(e.text in text for e in others if len(e.text) > 40)


def test_unconfirmed_is_said_only_where_it_applies() -> None:
    """No blanket "some information is unconfirmed" line: a facet answer carries the
    facet's own note only, and the overview none."""
    for topic in TOPICS:
        assert "belum dapat kami pastikan" not in _text(answer(topic, None)).casefold()
        for facet in topic.facets:
            text = _text(answer(topic, facet))
            assert ("Catatan:" in text) == bool(
                topic.unconfirmed(facet) and topic.confirmed(facet)
            ), (topic.id, facet)


def test_an_answer_shows_an_official_source_first_when_it_has_one() -> None:
    for topic in TOPICS:
        for facet in topic.facets:
            sources = topic.facet_sources(facet)
            if any(s.official and s.has_content for s in sources):
                assert sources[0].official and sources[0].has_content


@pytest.mark.parametrize("topic_id", ADMINDUK)
def test_population_documents_are_free(topic_id: str) -> None:
    """UU 24/2013 Pasal 79A (as amended): adminduk documents cost nothing."""
    fees = " ".join(e.text for e in all_topics()[topic_id].confirmed("biaya")).casefold()
    assert "gratis" in fees or "rp0" in fees or "tidak dipungut" in fees


def test_the_non_electronic_passport_is_not_offered() -> None:
    """Ditjen Imigrasi IMI-263.GR.01.02/2024: only electronic passports are issued."""
    fees = " ".join(e.text for e in all_topics()["paspor"].confirmed("biaya"))
    assert "Rp650.000" in fees and "tidak diterbitkan lagi" in fees


def test_the_kip_objection_deadline_cites_pasal_36() -> None:
    """The 30 working days for an objection are Pasal 36 UU 14/2008 (Pasal 35 lists
    the grounds)."""
    text = " ".join(e.text for _, e in all_topics()["informasi_publik"].entries())
    assert "30 hari kerja (Pasal 36)" in text


def test_no_invented_phone_numbers() -> None:
    """No local or +62 phone numbers unless a fact cites them: every number in a fact
    is in a cited source's title or the fact names the source that shows it."""
    phone = re.compile(r"(\+62|\b0\d{2,3}[- ]?\d{4,})")
    for topic in TOPICS:
        assert not phone.search(topic.official_channel), topic.id
        for _, entry in topic.entries():
            if phone.search(entry.text):
                assert entry.confirmed and entry.source_keys, (topic.id, entry.text)


def _write(tmp_path: Path, body: str, name: str = "x.yml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


GOOD = """
id: x
title: Judul
terms: [judul]
official_channel: Kantor resmi.
overview:
  text: Jawaban singkat.
  source: resmi
  checked: 2026-11-23
sources:
  resmi:
    url: https://example.go.id/page
    title: Halaman
    publisher: Pemerintah
facets:
  biaya:
    - fact: Gratis.
      source: resmi
      checked: 2026-11-23
    - unconfirmed: Biaya lain belum dapat kami pastikan.
      checked: 2026-11-23
"""


def test_loader_accepts_a_minimal_topic(tmp_path: Path) -> None:
    topic = load_topic(_write(tmp_path, GOOD))
    assert topic.id == "x" and list(topic.facets) == ["biaya"]
    assert [s.url for s in topic.cited] == ["https://example.go.id/page"]
    assert topic.confirmed("biaya")[0].text == "Gratis."
    assert topic.unconfirmed("biaya")[0].text.startswith("Biaya lain")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("    - fact: Gratis.\n      source: resmi\n", "    - fact: Gratis.\n"), "source"),
        (("      source: resmi\n      checked: 2026-11-23\n    - unc",
          "      source: resmi\n    - unc"), "checked"),
        (("    - fact: Gratis.\n      source: resmi", "    - fact: Gratis.\n      source: lain"),
         "not listed"),
        (("  text: Jawaban singkat.\n  source: resmi\n  checked: 2026-11-23\n",
          "  text: Jawaban singkat.\n  source: resmi\n"), "checked"),
        (("  biaya:", "  harga:"), "unknown facet"),
        (("Gratis.", "Gratis. " + "x" * 300), "characters"),
        (("Jawaban singkat.", "Jawaban " + "x" * 400), "characters"),
        (("id: x", "id: y"), "file name"),
        (("official_channel: Kantor resmi.", ""), "official_channel"),
        (("terms: [judul]", "terms: []"), "terms"),
        (("  resmi:\n    url:", "  Resmi!:\n    url:"), "source key"),
    ],
)  # fmt: skip
def test_loader_refuses_gaps(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    assert change[0] in GOOD
    with pytest.raises(FaqError, match=message):
        load_topic(_write(tmp_path, GOOD.replace(*change)))


def test_loader_refuses_a_facet_too_long_for_a_chat(tmp_path: Path) -> None:
    fact = "    - fact: " + "y" * 290 + "\n      source: resmi\n      checked: 2026-11-23\n"
    body = GOOD.replace("  biaya:\n", "  biaya:\n" + fact * 3)
    with pytest.raises(FaqError, match="longer than"):
        load_topic(_write(tmp_path, body))


def test_loader_refuses_no_sources(tmp_path: Path) -> None:
    body = GOOD[: GOOD.index("sources:")] + GOOD[GOOD.index("facets:") :]
    with pytest.raises(FaqError, match="sources"):
        load_topic(_write(tmp_path, body))
