"""How well free-question search finds the right topic.

* held-out: tests/data/faq_questions.yml, written independently of the NLU data and
  never used to tune anything; top-1 topic accuracy is the acceptance number.
* cross-validation: 5 folds over the NLU's FAQ questions (topic texts in every
  fold); this, not the held-out set, is what MIN_SCORE was chosen on.
* non-questions: NLU examples of other intents (complaints, chit-chat) that would
  be answered at MIN_SCORE: the false-answer rate on text that is not a question.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from core.settings import ROOT_DIR
from knowledge.faq import all_topics
from knowledge.retrieval import (
    FAQ_INTENT,
    MIN_SCORE,
    Analyzer,
    KnowledgeIndex,
    default_index,
    faq_questions,
)
from nlu.training_data import data_files, read_examples

HELD_OUT_FILE = ROOT_DIR / "tests" / "data" / "faq_questions.yml"


def held_out_questions(path: Path = HELD_OUT_FILE) -> list[tuple[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(str(q["topic"]), str(q["text"])) for q in data["questions"]]


def _score(index: KnowledgeIndex, questions: list[tuple[str, str]]) -> dict[str, Any]:
    right = answered = answered_right = 0
    per_topic: Counter[str] = Counter()
    per_topic_right: Counter[str] = Counter()
    errors = []
    for topic, text in questions:
        hits = index.search(text, k=1)
        best = hits[0] if hits else None
        ok = best is not None and best.topic == topic
        right += ok
        per_topic[topic] += 1
        per_topic_right[topic] += ok
        if best is not None and best.score >= MIN_SCORE:
            answered += 1
            answered_right += ok
        if not ok:
            errors.append(
                {"text": text, "topic": topic, "got": best.topic if best else None,
                 "score": best.score if best else None}
            )  # fmt: skip
    n = len(questions)
    return {
        "questions": n,
        "top1_accuracy": round(right / n, 4),
        "answered_rate": round(answered / n, 4),
        "answered_precision": round(answered_right / answered, 4) if answered else None,
        "per_topic_accuracy": {t: round(per_topic_right[t] / per_topic[t], 3) for t in per_topic},
        "errors": errors,
    }


def evaluate_held_out(path: Path = HELD_OUT_FILE) -> dict[str, Any]:
    return _score(default_index(), held_out_questions(path))


def cross_validate(folds: int = 5, seed: int = 0) -> dict[str, Any]:
    questions = faq_questions()
    random.Random(seed).shuffle(questions)
    analyzer = Analyzer()
    topics = list(all_topics().values())
    results = []
    for fold in range(folds):
        train = [q for i, q in enumerate(questions) if i % folds != fold]
        index = KnowledgeIndex.build(topics, train, analyzer)
        results.append(_score(index, questions[fold::folds]))
    n = sum(r["questions"] for r in results)
    answered = sum(r["answered_rate"] * r["questions"] for r in results)
    right_answered = sum(
        (r["answered_precision"] or 0) * r["answered_rate"] * r["questions"] for r in results
    )
    return {
        "questions": n,
        "folds": folds,
        "top1_accuracy": round(sum(r["top1_accuracy"] * r["questions"] for r in results) / n, 4),
        "answered_rate": round(answered / n, 4),
        "answered_precision": round(right_answered / answered, 4) if answered else None,
    }


def non_question_answer_rate() -> dict[str, Any]:
    index = default_index()
    texts = [
        e.text
        for path in data_files()
        for e in read_examples(path)
        if not e.intent.startswith(FAQ_INTENT) and not e.intent.startswith("cari_mpp")
    ]
    answered = sum(1 for t in texts if (h := index.search(t, k=1)) and h[0].score >= MIN_SCORE)
    return {"examples": len(texts), "answered_rate": round(answered / len(texts), 4)}


def evaluate() -> dict[str, Any]:
    return {
        "min_score": MIN_SCORE,
        "held_out": evaluate_held_out(),
        "cross_validation": cross_validate(),
        "non_questions": non_question_answer_rate(),
    }
