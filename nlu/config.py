"""Reads config.yml (Rasa-style `language` + `pipeline`) into typed settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from core.settings import ROOT_DIR
from nlu.fallback import Fallback

DEFAULT_CONFIG_PATH = ROOT_DIR / "config.yml"

NORMALIZER = "LaporinNormalizer"
ENTITY_EXTRACTOR = "LaporinEntityExtractor"
TEXTCAT = "SpacyTextCat"
FALLBACK = "FallbackClassifier"
KNOWN_COMPONENTS = frozenset({NORMALIZER, ENTITY_EXTRACTOR, TEXTCAT, FALLBACK})
# Components read only at run time by the dialogue engine: changing them must
# not force a retrain.
RUNTIME_ONLY_COMPONENTS = frozenset({FALLBACK})

DEFAULT_FALLBACK_THRESHOLD = 0.35


@dataclass(frozen=True)
class TextCatParams:
    architecture: str = "ensemble"
    ngram_size: int = 2
    # Hash buckets of the bag-of-ngrams layer; Adam updates the whole table every
    # batch, so this (x labels) dominates training time.
    bow_length: int = 16384
    width: int = 64
    epochs: int = 20
    dropout: float = 0.2
    learn_rate: float = 0.001
    batch_size_start: int = 16
    batch_size_end: int = 64
    seed: int = 42

    @classmethod
    def from_dict(cls, params: dict[str, Any]) -> TextCatParams:
        known = set(cls.__dataclass_fields__)
        unknown = set(params) - known
        if unknown:
            raise ValueError(f"{TEXTCAT}: unknown parameter(s) {sorted(unknown)}")
        result = cls(**params)
        if result.architecture not in ("ensemble", "bow"):
            raise ValueError(f"{TEXTCAT}: architecture must be 'ensemble' or 'bow'")
        return result


@dataclass(frozen=True)
class NluConfig:
    language: str
    # name -> parameters (without "name"), in pipeline order.
    components: dict[str, dict[str, Any]] = field(default_factory=dict)
    base_dir: Path = ROOT_DIR

    def params(self, name: str) -> dict[str, Any]:
        return dict(self.components.get(name, {}))

    def path_param(self, component: str, key: str) -> Path | None:
        value = self.components.get(component, {}).get(key)
        if value is None:
            return None
        path = Path(value)
        return path if path.is_absolute() else self.base_dir / path

    @property
    def textcat(self) -> TextCatParams:
        return TextCatParams.from_dict(self.params(TEXTCAT))

    @property
    def fallback_threshold(self) -> float:
        return float(self.params(FALLBACK).get("threshold", DEFAULT_FALLBACK_THRESHOLD))

    @property
    def fallback(self) -> Fallback:
        return Fallback(
            threshold=self.fallback_threshold,
            ambiguity_threshold=float(self.params(FALLBACK).get("ambiguity_threshold", 0.0)),
        )

    def training_view(self) -> dict[str, Any]:
        """The part of the config that influences the trained model (hashed)."""
        return {
            "language": self.language,
            "pipeline": [
                {"name": name, **params}
                for name, params in self.components.items()
                if name not in RUNTIME_ONLY_COMPONENTS
            ],
        }


def parse_config(raw: dict[str, Any], base_dir: Path = ROOT_DIR) -> NluConfig:
    language = raw.get("language")
    if not isinstance(language, str) or not language:
        raise ValueError("config: `language` is required")
    pipeline = raw.get("pipeline") or []
    if not isinstance(pipeline, list):
        raise ValueError("config: `pipeline` must be a list")
    components: dict[str, dict[str, Any]] = {}
    for item in pipeline:
        if not isinstance(item, dict) or "name" not in item:
            raise ValueError(f"config: pipeline item without a name: {item!r}")
        name = str(item["name"])
        if name not in KNOWN_COMPONENTS:
            raise ValueError(f"config: unknown component {name!r}")
        if name in components:
            raise ValueError(f"config: component {name!r} listed twice")
        components[name] = {k: v for k, v in item.items() if k != "name"}
    if TEXTCAT not in components:
        raise ValueError(f"config: the pipeline needs a {TEXTCAT} component")
    return NluConfig(language=language, components=components, base_dir=base_dir)


def load_config(path: Path = DEFAULT_CONFIG_PATH) -> NluConfig:
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a mapping")
    return parse_config(raw, base_dir=path.resolve().parent)


@lru_cache
def fallback_threshold(path: Path = DEFAULT_CONFIG_PATH) -> float:
    """The dialogue engine's threshold, read once per process (it is runtime-only)."""
    return load_config(path).fallback_threshold


@lru_cache
def fallback(path: Path = DEFAULT_CONFIG_PATH) -> Fallback:
    """The dialogue engine's whole fallback rule, read once per process."""
    return load_config(path).fallback
