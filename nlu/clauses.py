"""Split a message into clauses where it may name several problems
("jalan rusak, lampu mati, sampah numpuk"); the separators are data
(nlu/data/lexicon/clauses.yml). What each clause is about is the classifier's call."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from core.settings import ROOT_DIR

CLAUSES_FILE = ROOT_DIR / "nlu" / "data" / "lexicon" / "clauses.yml"


@cache
def _separator(path: Path = CLAUSES_FILE) -> re.Pattern[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    marks = [re.escape(mark) for mark in data["marks"]]
    words = sorted((str(w) for w in data["words"]), key=len, reverse=True)
    joined = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    return re.compile(rf"(?:{'|'.join(marks)})|(?<!\w)(?:{joined})(?!\w)", re.IGNORECASE)


def split_clauses(text: str) -> list[str]:
    """The non-empty clauses of `text`, in order, trimmed."""
    parts = (" ".join(part.split()) for part in _separator().split(text))
    return [part.strip(" .-") for part in parts if part.strip(" .-")]
