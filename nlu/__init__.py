"""Laporin NLU: `parse(text)` -> Rasa-shaped dict (intent, entities, rankings).

The trained model is loaded lazily, once, from settings.nlu_model_dir
(train it with `python -m nlu train --if-needed`). Button payloads ("/affirm")
and empty text are answered without a model.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from nlu.parser import NluModelMissing, NluParser, empty_result, parse_payload

__all__ = ["NluModelMissing", "NluParser", "get_parser", "parse", "reset"]

_lock = threading.Lock()
# spaCy's pipeline is not documented as safe to call from several threads at once
# (actions parse parts of a message too, beside the engine); a parse is well under a ms.
_parse_lock = threading.Lock()
_parser: NluParser | None = None


def get_parser(model_dir: Path | None = None) -> NluParser:
    """The shared parser, loaded on first use (raises NluModelMissing)."""
    global _parser
    if _parser is None:
        with _lock:
            if _parser is None:
                if model_dir is None:
                    from core.settings import get_settings

                    model_dir = get_settings().nlu_model_dir
                _parser = NluParser.load(model_dir)
    return _parser


def reset() -> None:
    """Forget the loaded model (after retraining, or in tests)."""
    global _parser
    with _lock:
        _parser = None


def parse(text: str) -> dict[str, Any]:
    if not text or not text.strip():
        return empty_result(text or "")
    payload = parse_payload(text)
    if payload is not None:
        return payload
    parser = get_parser()
    with _parse_lock:
        return parser.parse(text)
