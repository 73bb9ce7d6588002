"""knowledge.retrieval: free questions find their topic; unrelated text is not answered."""

from __future__ import annotations

from knowledge.retrieval import MIN_SCORE, Analyzer, Hit, answerable, default_index
from knowledge.retrieval_eval import evaluate_held_out, held_out_questions


def test_held_out_top1_accuracy_meets_the_bar() -> None:
    questions = held_out_questions()
    per_topic: dict[str, int] = {}
    for topic, _ in questions:
        per_topic[topic] = per_topic.get(topic, 0) + 1
    assert len(per_topic) == 16 and min(per_topic.values()) >= 5
    report = evaluate_held_out()
    assert report["top1_accuracy"] >= 0.85, report["errors"]


def test_typical_questions_are_answered() -> None:
    index = default_index()
    for question, topic in [
        ("berapa biaya perpanjang sim c", "sim"),
        ("syarat bikin paspor buat umroh apa aja", "paspor"),
        ("cara daftar nib lewat oss", "izin_usaha"),
        ("iuran bpjs kelas 3 sebulan berapa", "bpjs_kesehatan"),
    ]:
        best = answerable(index.search(question))
        assert best is not None and best.topic == topic, (question, index.search(question))


def test_unrelated_text_is_not_answered() -> None:
    index = default_index()
    for text in ["harga cabai di pasar hari ini", "asdfgh qwerty", "skor bola semalam"]:
        assert answerable(index.search(text)) is None, index.search(text)


def test_answerable_uses_the_threshold() -> None:
    assert answerable([Hit("sim", MIN_SCORE)]) == Hit("sim", MIN_SCORE)
    assert answerable([Hit("sim", MIN_SCORE - 0.01)]) is None
    assert answerable([]) is None


def test_analyzer_normalises_stems_and_drops_stop_words() -> None:
    analyzer = Analyzer()
    assert analyzer("Persyaratan pembuatan KTP gmn min?") == ["syarat", "buat", "ktp"]
    assert analyzer.looks_like_question("ktp hilang gmn")
    assert analyzer.looks_like_question("ktp hilang?")
    assert not analyzer.looks_like_question("asdfgh qwerty")
