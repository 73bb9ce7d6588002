"""Layout of a trained model directory: writing it atomically and reading its meta.

The model directory is self-contained so a parser always runs with exactly what
the model was trained with:

    <out>/nlu_meta.json    fingerprint, labels, config snapshot, timings
    <out>/lexicon/*.yml    copies of the lexicons used for normalisation/entities
    <out>/vocab.txt        normalised tokens seen in training
    <out>/exact.json       normalised training sentence -> label (exact matches)
    <out>/spacy/           the spaCy pipeline (blank language + textcat)
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

META_FILE = "nlu_meta.json"
# Normalised training tokens: a message sharing none of them is out of the
# model's knowledge, and its softmax output would only reflect label priors.
VOCAB_FILE = "vocab.txt"
# Like Rasa's KeywordIntentClassifier: a message that normalises to exactly a
# training sentence ("ya", "batal", "status") gets that label for certain.
EXACT_FILE = "exact.json"
# Sentence marks the normaliser keeps as tokens; they carry no meaning for a match.
MARKS = frozenset({"?", "!"})


def exact_key(normalized: str) -> str:
    return " ".join(token for token in normalized.split() if token not in MARKS)


SPACY_DIR = "spacy"
LEXICON_DIR = "lexicon"


def lexicon_snapshot_name(component: str) -> str:
    return f"{LEXICON_DIR}/{component}.yml"


def read_meta(model_dir: Path) -> dict[str, Any] | None:
    try:
        with open(model_dir / META_FILE, encoding="utf-8") as fh:
            meta = json.load(fh)
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def is_up_to_date(model_dir: Path, expected_fingerprint: str) -> bool:
    meta = read_meta(model_dir)
    return (
        meta is not None
        and meta.get("fingerprint") == expected_fingerprint
        and (model_dir / SPACY_DIR).is_dir()
        and (model_dir / EXACT_FILE).is_file()
    )


def save_model(
    out: Path,
    nlp: Any,
    meta: dict[str, Any],
    lexicons: dict[str, Path],
    vocab: list[str],
    exact: dict[str, str],
) -> None:
    """Write into a sibling temp dir, then swap, so a reader never sees half a model."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / LEXICON_DIR).mkdir(parents=True)
    nlp.to_disk(tmp / SPACY_DIR)
    for component, path in lexicons.items():
        shutil.copyfile(path, tmp / lexicon_snapshot_name(component))
    (tmp / VOCAB_FILE).write_text("\n".join(vocab) + "\n", encoding="utf-8")
    (tmp / EXACT_FILE).write_text(json.dumps(exact, ensure_ascii=False), encoding="utf-8")
    with open(tmp / META_FILE, "w", encoding="utf-8") as fh:
        json.dump(meta, fh, ensure_ascii=False, indent=2)
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)
