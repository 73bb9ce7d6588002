"""Trains the intent classifier (spaCy textcat) from nlu/data/*.yml, driven by config.yml.

Deterministic (fixed seed); the result is written by nlu.model_store.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.settings import get_settings
from nlu.config import (
    DEFAULT_CONFIG_PATH,
    ENTITY_EXTRACTOR,
    NORMALIZER,
    NluConfig,
    TextCatParams,
    load_config,
)
from nlu.entities import DEFAULT_ENTITY_LEXICON_PATH
from nlu.model_store import (
    exact_key,
    is_up_to_date,
    lexicon_snapshot_name,
    read_meta,
    save_model,
)
from nlu.normalize import DEFAULT_LEXICON_PATH, Normalizer
from nlu.tokenizer import TOKENIZER, register_tokenizer
from nlu.training_data import DEFAULT_DATA_DIR, data_files, find_conflicts, load_examples

log = logging.getLogger(__name__)

# Bump when the training code changes in a way that needs a retrain.
TRAINER_VERSION = 1
# Components whose `lexicon:` file (default below) is copied into the model dir.
LEXICON_COMPONENTS = {
    NORMALIZER: DEFAULT_LEXICON_PATH,
    ENTITY_EXTRACTOR: DEFAULT_ENTITY_LEXICON_PATH,
}


@dataclass(frozen=True)
class TrainResult:
    out_dir: Path
    trained: bool  # False when --if-needed found an up-to-date model
    fingerprint: str
    seconds: float
    examples: int
    labels: int


def lexicon_paths(config: NluConfig) -> dict[str, Path]:
    """Lexicon file per lexicon-using component present in the pipeline."""
    paths = {}
    for component, default in LEXICON_COMPONENTS.items():
        if component in config.components:
            paths[component] = config.path_param(component, "lexicon") or default
    return paths


def _normalizer(lexicons: dict[str, Path]) -> Callable[[str], str]:
    path = lexicons.get(NORMALIZER)
    return Normalizer.from_file(path) if path is not None else _identity


def _identity(text: str) -> str:
    return text


def fingerprint(config: NluConfig, data_paths: list[Path], lexicons: dict[str, Path]) -> str:
    """SHA-256 over everything that shapes the model: data, lexicons, config."""
    import spacy

    digest = hashlib.sha256()
    header = {
        "trainer": TRAINER_VERSION,
        "spacy": spacy.about.__version__,
        "config": config.training_view(),
    }
    digest.update(json.dumps(header, sort_keys=True, default=str).encode())
    for kind, name, path in [("data", p.name, p) for p in data_paths] + [
        ("lexicon", component, path) for component, path in sorted(lexicons.items())
    ]:
        digest.update(f"\0{kind}\0{name}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _textcat_model(params: TextCatParams) -> dict[str, Any]:
    bow = {
        "@architectures": "spacy.TextCatBOW.v3",
        "exclusive_classes": True,
        "ngram_size": params.ngram_size,
        "no_output_layer": False,
        "length": params.bow_length,
        "nO": None,
    }
    if params.architecture == "bow":
        return bow
    return {
        "@architectures": "spacy.TextCatEnsemble.v2",
        "nO": None,
        "linear_model": bow,
        "tok2vec": {
            "@architectures": "spacy.Tok2Vec.v2",
            "embed": {
                "@architectures": "spacy.MultiHashEmbed.v2",
                "width": params.width,
                # PREFIX/SUFFIX/SHAPE give typo-tolerant subword evidence.
                "attrs": ["NORM", "PREFIX", "SUFFIX", "SHAPE"],
                "rows": [5000, 2500, 2500, 1000],
                "include_static_vectors": False,
            },
            "encode": {
                "@architectures": "spacy.MaxoutWindowEncoder.v2",
                "width": params.width,
                "window_size": 1,
                "maxout_pieces": 3,
                "depth": 2,
            },
        },
    }


def build_pipeline(language: str, params: TextCatParams, labels: list[str]) -> Any:
    import spacy

    register_tokenizer()
    # Keeps the language's lexical defaults (stop words, like_num, ...).
    nlp = spacy.blank(language, config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}})
    textcat: Any = nlp.add_pipe(
        "textcat", config={"model": _textcat_model(params), "threshold": 0.0}
    )
    for label in labels:
        textcat.add_label(label)
    return nlp


def fit(nlp: Any, texts: list[str], labels: list[str], params: TextCatParams) -> None:
    from spacy.training import Example as SpacyExample
    from spacy.util import fix_random_seed, minibatch
    from thinc.api import compounding

    fix_random_seed(params.seed)
    all_labels = sorted(set(labels))
    examples = [
        SpacyExample.from_dict(
            nlp.make_doc(text), {"cats": {lbl: float(lbl == label) for lbl in all_labels}}
        )
        for text, label in zip(texts, labels, strict=True)
    ]
    optimizer = nlp.initialize(lambda: examples)
    optimizer.learn_rate = params.learn_rate
    rng = random.Random(params.seed)
    for epoch in range(params.epochs):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        sizes = compounding(params.batch_size_start, params.batch_size_end, 1.001)
        for batch in minibatch(examples, size=sizes):
            nlp.update(batch, drop=params.dropout, sgd=optimizer, losses=losses)
        log.debug("epoch %d loss %.4f", epoch + 1, losses.get("textcat", 0.0))


def exact_matches(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Training sentence -> label, leaving out keys that carry more than one label."""
    labels: dict[str, set[str]] = {}
    for text, label in pairs:
        labels.setdefault(exact_key(text), set()).add(label)
    return {key: next(iter(found)) for key, found in labels.items() if len(found) == 1}


def train(
    config_path: Path = DEFAULT_CONFIG_PATH,
    data_dir: Path = DEFAULT_DATA_DIR,
    out_dir: Path | None = None,
    if_needed: bool = False,
) -> TrainResult:
    started = time.perf_counter()
    config = load_config(config_path)
    out = Path(out_dir) if out_dir is not None else get_settings().nlu_model_dir
    paths = data_files(data_dir)
    if not paths:
        raise ValueError(f"no training data (*.yml) in {data_dir}")
    lexicons = lexicon_paths(config)
    digest = fingerprint(config, paths, lexicons)
    if if_needed and is_up_to_date(out, digest):
        log.info("NLU model in %s is up to date; not training", out)
        meta = read_meta(out) or {}
        return TrainResult(
            out_dir=out,
            trained=False,
            fingerprint=digest,
            seconds=time.perf_counter() - started,
            examples=int(meta.get("examples", 0)),
            labels=len(meta.get("labels", [])),
        )

    norm = _normalizer(lexicons)
    examples = load_examples(paths)
    conflicts = find_conflicts(examples, norm)
    if conflicts:
        raise ValueError("training examples with conflicting labels:\n" + "\n".join(conflicts))
    # Slang folding makes some examples identical ("gak", "nggak", "ora" -> "tidak");
    # keep one, or the duplicates silently outweigh everything else.
    # Examples that normalise to nothing (only emoji) would crash the featuriser.
    pairs = list(dict.fromkeys((norm(ex.text), ex.intent) for ex in examples if norm(ex.text)))
    texts = [text for text, _ in pairs]
    labels = [label for _, label in pairs]
    label_set = sorted(set(labels))

    params = config.textcat
    nlp = build_pipeline(config.language, params, label_set)
    fit(nlp, texts, labels, params)
    seconds = time.perf_counter() - started

    meta = {
        "format": 1,
        "fingerprint": digest,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "train_seconds": round(seconds, 2),
        "spacy_version": nlp.meta.get("spacy_version"),
        "language": config.language,
        "labels": label_set,
        "examples": len(examples),
        "unique_examples": len(pairs),
        "config": config.training_view(),
        "lexicons": {c: lexicon_snapshot_name(c) for c in lexicons},
    }
    vocab = sorted({token for text in texts for token in text.split()})
    save_model(out, nlp, meta, lexicons, vocab, exact=exact_matches(pairs))
    log.info("trained NLU model on %d examples in %.1fs -> %s", len(examples), seconds, out)
    return TrainResult(
        out_dir=out,
        trained=True,
        fingerprint=digest,
        seconds=seconds,
        examples=len(examples),
        labels=len(label_set),
    )
