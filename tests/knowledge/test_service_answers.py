"""The held-out service questions through the chat (bot/service_eval.py): the topic
and the facet answered, and how long the answers are. docs/knowledge.md has the
figures; these floors sit a little under them, so a change that makes the answers
worse fails here."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.service_eval import evaluate, load_questions
from core.settings import ROOT_DIR

SETS = sorted((ROOT_DIR / "tests" / "data").glob("service_questions*.yml"))
MIN_TOPIC_ACCURACY = 0.88
MIN_FACET_ACCURACY = 0.85
MIN_BOTH_ACCURACY = 0.82


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize("path", SETS, ids=lambda p: p.stem)
def test_held_out_topic_and_facet_accuracy(path: Path) -> None:
    questions = load_questions(path)
    assert len(questions) >= 150
    report = evaluate(questions)
    assert report["topic_accuracy"] >= MIN_TOPIC_ACCURACY, report["errors"][:10]
    assert report["facet_accuracy"] >= MIN_FACET_ACCURACY, report["errors"][:10]
    assert report["topic_and_facet_accuracy"] >= MIN_BOTH_ACCURACY, report["errors"][:10]
    lengths = report["answer_lengths"]
    assert lengths["overview"]["max"] <= 600 and lengths["facet"]["max"] <= 1000


def test_the_sets_cover_every_topic_facet_and_follow_ups() -> None:
    questions = [q for path in SETS for q in load_questions(path)]
    topics = {q["topic"] for q in questions}
    facets = {q["facet"] for q in questions}
    assert len(topics) == 16 and len(facets) == 10  # nine facets and none
    assert sum(1 for q in questions if q.get("context")) >= 150
