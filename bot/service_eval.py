"""How well the chat answers service questions: the topic and the facet it answers,
and how long the answers are.

Each question of tests/data/service_questions.yml (held out: written by someone who
saw neither the knowledge base nor the NLU data, and never used to tune anything)
is sent as a new conversation after its `context` messages, through the dialogue
engine as the chat runs it, in memory. The answered topic and facet are the
`topik_faq` / `aspek_faq` slots that message's answer sets; a reply that sets no
topic counts as no answer.
"""

from __future__ import annotations

import statistics
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from core.db import dry_run
from core.settings import ROOT_DIR
from dialogue.engine import DialogueEngine
from dialogue.messages import Inbound

SERVICE_QUESTIONS_FILE = ROOT_DIR / "tests" / "data" / "service_questions.yml"


def load_questions(path: Path = SERVICE_QUESTIONS_FILE) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data["questions"])


def _kind(question: dict[str, Any]) -> str:
    if question.get("context"):
        return "follow-up"
    return "facet" if question.get("facet") else "overview"


def _percentiles(lengths: list[int]) -> dict[str, int]:
    if not lengths:
        return {"median": 0, "p90": 0, "max": 0}
    ordered = sorted(lengths)
    return {
        "median": int(statistics.median(ordered)),
        "p90": ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))],
        "max": ordered[-1],
    }


def evaluate(
    questions: list[dict[str, Any]] | None = None, engine: DialogueEngine | None = None
) -> dict[str, Any]:
    questions = load_questions() if questions is None else questions
    engine = engine or DialogueEngine()
    topic_right = facet_right = both_right = 0
    by_kind: Counter[str] = Counter()
    by_kind_right: Counter[str] = Counter()
    lengths: dict[str, list[int]] = {"overview": [], "facet": []}
    errors = []
    for n, question in enumerate(questions):
        texts = [*(question.get("context") or []), question["text"]]
        inbounds = [
            Inbound("console", f"eval-{n}", f"eval-{n}-{i}", text=str(t))
            for i, t in enumerate(texts)
        ]
        with dry_run():
            rehearsal = engine.rehearse(inbounds, sender=f"eval-{n}")
        # What this message's answer set (an earlier message's answer does not count).
        slots = rehearsal.slots_set[-1]
        topic, facet = slots.get("topik_faq"), slots.get("aspek_faq")
        last = rehearsal.replies[-1]
        answered = topic is not None and any(r.text for r in last)
        topic_ok = answered and topic == question["topic"]
        facet_only_ok = answered and facet == question.get("facet")
        facet_ok = topic_ok and facet_only_ok
        topic_right += topic_ok
        facet_right += facet_only_ok
        both_right += facet_ok
        kind = _kind(question)
        by_kind[kind] += 1
        by_kind_right[kind] += facet_ok
        if answered:
            text = "\n".join(r.text or "" for r in last)
            lengths["facet" if facet else "overview"].append(len(text))
        if not facet_ok:
            errors.append({**question, "got_topic": topic, "got_facet": facet})
    total = len(questions)
    return {
        "questions": total,
        "topic_accuracy": round(topic_right / total, 3) if total else 0.0,
        # The facet answered is the one asked (whatever the topic), and both right.
        "facet_accuracy": round(facet_right / total, 3) if total else 0.0,
        "topic_and_facet_accuracy": round(both_right / total, 3) if total else 0.0,
        "by_kind": {
            kind: {"questions": by_kind[kind], "right": by_kind_right[kind]} for kind in by_kind
        },
        "answer_lengths": {kind: _percentiles(values) for kind, values in lengths.items()},
        "errors": errors,
    }
