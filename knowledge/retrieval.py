"""Free-question search over the knowledge base (BM25 over stemmed Indonesian).

Each topic is one BM25 document: its title, keywords and answer text plus the
citizens' questions that train the NLU for ``faq/<topic>`` (nlu/data/faq.yml), so
the many ways people ask count as much as the official wording. (One document per
question, scored by the best, did worse in cross-validation: 0.71 against 0.89
top-1.) Text goes through the NLU's slang normaliser, a stop-word filter and the
Sastrawi stemmer ("persyaratan" -> "syarat").

``MIN_SCORE`` separates answerable questions from the rest; docs/knowledge.md says
how it was chosen. Never tuned on tests/data/faq_questions.yml (held out).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import bm25s
import numpy as np
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

from knowledge.faq import Topic, all_topics, get_topic
from nlu.normalize import Normalizer
from nlu.training_data import DEFAULT_DATA_DIR, read_examples

# bm25s sets its own logger to DEBUG; its per-index messages are noise in the chat.
logging.getLogger("bm25s").setLevel(logging.WARNING)

STOPWORDS_FILE = Path(__file__).with_name("stopwords.txt")
QUESTION_WORDS_FILE = Path(__file__).with_name("question_words.txt")
FAQ_EXAMPLES_FILE = DEFAULT_DATA_DIR / "faq.yml"
FAQ_INTENT = "faq/"

SEARCHED_FACETS = ("syarat", "langkah")

# Minimum BM25 score of the best topic to answer; below it the bot does not guess.
MIN_SCORE = 2.5

_WORD_RE = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Hit:
    topic: str
    score: float


def _word_list(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


class Analyzer:
    """Text -> index terms: normalise slang, drop stop words, stem."""

    def __init__(self) -> None:
        self._normalize = Normalizer.shared()
        self._stopwords = _word_list(STOPWORDS_FILE)
        self._question_words = _word_list(QUESTION_WORDS_FILE)
        self._stem = lru_cache(maxsize=50_000)(StemmerFactory().create_stemmer().stem)

    def __call__(self, text: str) -> list[str]:
        words = _WORD_RE.findall(self._normalize(text))
        return [self._stem(w) for w in words if w not in self._stopwords]

    def looks_like_question(self, text: str) -> bool:
        normalized = self._normalize(text)
        return "?" in normalized or not self._question_words.isdisjoint(
            _WORD_RE.findall(normalized)
        )


def topic_documents(topic: Topic) -> list[str]:
    """The texts a topic is found by, apart from the NLU questions."""
    # The overview, requirements and steps, as before facets: the other facets are
    # full of words every topic shares (fees, offices, days), which raised false hits.
    facts = [e.text for facet in SEARCHED_FACETS for e in topic.confirmed(facet)]
    return [topic.title, " ".join((*topic.terms, *topic.keywords)), topic.overview.text, *facts]


def faq_questions(path: Path = FAQ_EXAMPLES_FILE) -> list[tuple[str, str]]:
    """(topic, question) pairs from the NLU training data for faq/<topic>."""
    return [
        (e.intent.removeprefix(FAQ_INTENT), e.text)
        for e in read_examples(path)
        if e.intent.startswith(FAQ_INTENT)
    ]


class KnowledgeIndex:
    def __init__(self, documents: Sequence[tuple[str, str]], analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        terms: dict[str, list[str]] = {}
        for topic, text in documents:
            terms.setdefault(topic, []).extend(analyzer(text))
        self.topic_ids = tuple(terms)
        self._bm25 = bm25s.BM25()
        self._bm25.index([terms[t] for t in self.topic_ids], show_progress=False)

    @classmethod
    def build(
        cls,
        topics: Iterable[Topic],
        questions: Iterable[tuple[str, str]],
        analyzer: Analyzer | None = None,
    ) -> KnowledgeIndex:
        documents = [(t.id, text) for t in topics for text in topic_documents(t)]
        documents.extend(questions)
        return cls(documents, analyzer or Analyzer())

    def search(self, question: str, k: int = 3) -> list[Hit]:
        """Up to ``k`` topics with a positive score, best first."""
        terms = self.analyzer(question)
        if not terms:
            return []
        scores = self._bm25.get_scores(terms)
        order = np.argsort(-scores, kind="stable")[:k]
        return [Hit(self.topic_ids[i], round(float(scores[i]), 3)) for i in order if scores[i] > 0]


@cache
def default_index() -> KnowledgeIndex:
    return KnowledgeIndex.build(all_topics().values(), faq_questions())


def answerable(hits: Sequence[Hit], min_score: float = MIN_SCORE) -> Hit | None:
    """The hit to answer with, or None when the best is below ``min_score``."""
    return hits[0] if hits and hits[0].score >= min_score else None


def answer_topic(hits: Sequence[Hit], min_score: float = MIN_SCORE) -> Topic | None:
    """The topic to answer with: the best hit above ``min_score``, if its file exists."""
    best = answerable(hits, min_score)
    return get_topic(best.topic) if best else None
