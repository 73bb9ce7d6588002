"""Loads a trained model directory and turns text into a Rasa-shaped parse dict."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

from nlu.config import ENTITY_EXTRACTOR, NORMALIZER, fallback_threshold
from nlu.emergency import EMERGENCY_INTENT, Emergency, EmergencyDetector
from nlu.entities import Entity, EntityExtractor
from nlu.model_store import (
    EXACT_FILE,
    MARKS,
    META_FILE,
    SPACY_DIR,
    VOCAB_FILE,
    exact_key,
    read_meta,
)
from nlu.normalize import Normalizer
from nlu.tokenizer import register_tokenizer

# Only the first MAX_PARSE_CHARS characters are normalised, classified and
# scanned for entities: real chat messages are far shorter, and this bounds the
# cost of pathological input (a 100k-char paste). `text` in the result is
# always the full original.
MAX_PARSE_CHARS = 4000
RANKING_SIZE = 10
OUT_OF_SCOPE = "out_of_scope"
RETRIEVAL_SEPARATOR = "/"
PAYLOAD_EXTRACTOR = "RegexMessageHandler"
# Intents that keep their label when the message is also an emergency: the
# complaint form then records the text after the 112 reply.
COMPLAINT_INTENTS = ("lapor", "lapor_umum")

# "/intent", "/lapor/sampah", "/pilih_kategori{"kategori": "sampah"}"; Telegram
# may append the bot's name to commands ("/start@LaporinBot").
_PAYLOAD_RE = re.compile(
    r"^/(?P<intent>[\w\-]+(?:/[\w\-]+)?)(?:@\w+)?\s*(?P<entities>\{.*\})?\s*$",
    re.DOTALL,
)


class NluModelMissing(RuntimeError):
    """No usable trained model: run `python -m nlu train`."""


def split_label(label: str) -> tuple[str, str | None]:
    """ "lapor/sampah" -> ("lapor", "lapor/sampah"); "greet" -> ("greet", None)."""
    if RETRIEVAL_SEPARATOR in label:
        return label.split(RETRIEVAL_SEPARATOR, 1)[0], label
    return label, None


def empty_result(text: str) -> dict[str, Any]:
    return {
        "text": text,
        "intent": {"name": OUT_OF_SCOPE, "confidence": 0.0},
        "full_retrieval_intent": None,
        "confidence": 0.0,
        "entities": [],
        "intent_ranking": [],
        "response_selector": {},
        "normalized_text": "",
    }


def parse_payload(text: str) -> dict[str, Any] | None:
    """Deterministic parse of button payloads, like Rasa's RegexMessageHandler.

    Any intent name is accepted. Invalid or non-object JSON yields no entities;
    list values yield one entity per item.
    """
    match = _PAYLOAD_RE.match(text.strip())
    if not match:
        return None
    label = match.group("intent")
    intent, full = split_label(label)
    entities: list[Entity] = []
    raw_entities = match.group("entities")
    if raw_entities:
        try:
            data = json.loads(raw_entities)
        except ValueError:
            data = None
        if isinstance(data, dict):
            offset = text.index(raw_entities)
            start, end = offset, offset + len(raw_entities)
            for key, value in data.items():
                for item in value if isinstance(value, list) else [value]:
                    entities.append(
                        {
                            "entity": str(key),
                            "value": item,
                            "start": start,
                            "end": end,
                            "extractor": PAYLOAD_EXTRACTOR,
                        }
                    )
    result = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "full_retrieval_intent": full,
        "confidence": 1.0,
        "entities": entities,
        "intent_ranking": [{"name": label, "confidence": 1.0}],
        "response_selector": {},
        "normalized_text": text.strip(),
    }
    if full is not None:
        result["response_selector"] = _response_selector(intent, [(full, 1.0)])
    return result


def _response_selector(intent: str, ranked: list[tuple[str, float]]) -> dict[str, Any]:
    """Rasa-shaped selector for one retrieval intent; confidences are
    conditional on the intent (they sum to 1 within it)."""
    total = sum(p for _, p in ranked) or 1.0
    ranking = [
        {"intent_response_key": key, "confidence": p / total, "utter_action": f"utter_{key}"}
        for key, p in ranked[:RANKING_SIZE]
    ]
    return {
        "all_retrieval_intents": [intent],
        intent: {"response": ranking[0], "ranking": ranking},
    }


class NluParser:
    def __init__(
        self,
        nlp: Any,
        normalize: Normalizer | None,
        entities: EntityExtractor | None,
        meta: dict[str, Any],
        vocab: frozenset[str] | None = None,
        exact: dict[str, str] | None = None,
        emergency: EmergencyDetector | None = None,
    ) -> None:
        self.nlp = nlp
        self.emergency = emergency
        self.exact = exact or {}
        self.normalize = normalize
        self.entities = entities
        self.meta = meta
        self.vocab = vocab
        self.labels: list[str] = list(meta.get("labels", []))
        # Fast path: tokenizer + textcat model directly, skipping Language.__call__
        # and Doc.cats bookkeeping (same scores, ~0.1-0.3 ms less per call).
        textcat = nlp.get_pipe("textcat") if "textcat" in getattr(nlp, "pipe_names", ()) else None
        self._textcat_model = textcat.model if textcat is not None else None
        self._textcat_labels: tuple[str, ...] = tuple(textcat.labels) if textcat else ()
        # spaCy/thinc make no thread-safety promise for inference; calls are ms.
        self._lock = threading.Lock()

    @classmethod
    def load(cls, model_dir: Path) -> NluParser:
        model_dir = Path(model_dir)
        meta = read_meta(model_dir)
        if meta is None or not (model_dir / SPACY_DIR).is_dir():
            raise NluModelMissing(
                f"no trained NLU model in {model_dir} (missing {META_FILE} or {SPACY_DIR}/); "
                "run `python -m nlu train`"
            )
        import spacy

        register_tokenizer()
        try:
            nlp = spacy.load(model_dir / SPACY_DIR)
        except (OSError, ValueError) as exc:
            raise NluModelMissing(f"cannot load NLU model from {model_dir}: {exc}") from exc
        lexicons = meta.get("lexicons", {})
        normalize = (
            Normalizer.from_file(model_dir / lexicons[NORMALIZER])
            if NORMALIZER in lexicons
            else None
        )
        entities = (
            EntityExtractor.from_file(model_dir / lexicons[ENTITY_EXTRACTOR])
            if ENTITY_EXTRACTOR in lexicons
            else None
        )
        vocab_path = model_dir / VOCAB_FILE
        vocab = (
            frozenset(vocab_path.read_text(encoding="utf-8").split())
            if vocab_path.is_file()
            else None
        )
        exact_path = model_dir / EXACT_FILE
        exact = json.loads(exact_path.read_text(encoding="utf-8")) if exact_path.is_file() else {}
        # Rules, not training: read from nlu/data/lexicon, so tuning needs no retrain.
        emergency = EmergencyDetector.from_file(normalize or _lowercase)
        return cls(nlp, normalize, entities, meta, vocab, exact, emergency)

    def parse(self, text: str) -> dict[str, Any]:
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        if not text.strip():
            return empty_result(text)
        payload = parse_payload(text)
        if payload is not None:
            return payload

        head = text[:MAX_PARSE_CHARS]
        normalized = self.normalize(head) if self.normalize else head.strip()
        entities = self.entities.extract(head) if self.entities else []
        danger = self.emergency.detect(head) if self.emergency else None
        if danger is not None:
            entities = sorted([*entities, danger.entity()], key=lambda e: (e["start"], e["end"]))
        if not normalized or not self._knows_any(normalized):
            # Only emoji/punctuation, or no word the model has ever seen: its
            # output would be label priors, so report "don't know" instead.
            result = empty_result(text)
            result["entities"] = entities
            result["normalized_text"] = normalized
            return _emergency_first(result, danger)

        known = self.exact.get(exact_key(normalized))
        if known is not None and (known != EMERGENCY_INTENT or danger is not None):
            return _emergency_first(self._result(text, normalized, {known: 1.0}, entities), danger)
        with self._lock:
            cats = self._categorize(normalized)
        if danger is None:
            # Only the detector says "emergency": the classifier learns words such
            # as "rumah" from the emergency examples ("di belakang rumah saya").
            # The other labels are read given "not an emergency" (renormalised).
            rest = 1.0 - cats.pop(EMERGENCY_INTENT, 0.0)
            cats = {label: p / rest for label, p in cats.items()} if rest > 0 else cats
        return _emergency_first(self._result(text, normalized, cats, entities), danger)

    def _categorize(self, normalized: str) -> dict[str, float]:
        if self._textcat_model is None:
            return dict(self.nlp(normalized).cats)
        scores = self._textcat_model.predict([self.nlp.make_doc(normalized)])[0]
        return dict(zip(self._textcat_labels, scores.tolist(), strict=True))

    def _knows_any(self, normalized: str) -> bool:
        if self.vocab is None:
            return True
        return any(token in self.vocab for token in normalized.split() if token not in MARKS)

    def _result(
        self, text: str, normalized: str, cats: dict[str, float], entities: list[Entity]
    ) -> dict[str, Any]:
        ranked = sorted(cats.items(), key=lambda kv: (-kv[1], kv[0]))
        # The top full label decides; its intent's confidence adds up all labels
        # sharing the prefix (evidence spread over several categories is still
        # evidence for "lapor").
        top_label, top_prob = ranked[0]
        intent, full = split_label(top_label)
        members = [(label, p) for label, p in ranked if split_label(label)[0] == intent]
        return {
            "text": text,
            "intent": {"name": intent, "confidence": float(sum(p for _, p in members))},
            "full_retrieval_intent": full,
            "confidence": float(top_prob),
            "entities": entities,
            "intent_ranking": [
                {"name": label, "confidence": float(p)} for label, p in ranked[:RANKING_SIZE]
            ],
            "response_selector": _response_selector(intent, members) if full else {},
            "normalized_text": normalized,
        }


def _lowercase(text: str) -> str:
    return " ".join(text.lower().split())


def _emergency_first(result: dict[str, Any], danger: Emergency | None) -> dict[str, Any]:
    """An emergency is intent `darurat`, unless the classifier is sure it is also a
    complaint ("pohon tumbang menimpa orang": 112 first, then the form)."""
    if danger is None:
        return result
    intent = result["intent"]["name"]
    if intent in COMPLAINT_INTENTS and result["confidence"] >= fallback_threshold():
        return result
    others = [r for r in result["intent_ranking"] if r["name"] != EMERGENCY_INTENT]
    return {
        **result,
        "intent": {"name": EMERGENCY_INTENT, "confidence": 1.0},
        "full_retrieval_intent": None,
        "confidence": 1.0,
        "intent_ranking": [{"name": EMERGENCY_INTENT, "confidence": 1.0}, *others][:RANKING_SIZE],
        "response_selector": {},
    }
