"""Whitespace tokenizer for the spaCy pipeline (input is pre-normalised text)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

TOKENIZER = "laporin.WhitespaceTokenizer.v1"


class WhitespaceTokenizer:
    """Splits on spaces only. The pipeline's input is already normalised and
    space-separated, so this yields exactly the normaliser's tokens, and it
    avoids building the Indonesian tokenizer's special cases (~4 s per load)."""

    def __init__(self, vocab: Any) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Any:
        from spacy.tokens import Doc

        return Doc(self.vocab, words=text.split())

    # Stateless: nothing to serialise, but spaCy calls these.
    def to_disk(self, path: Path, **kwargs: Any) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path: Path, **kwargs: Any) -> WhitespaceTokenizer:
        return self

    def to_bytes(self, **kwargs: Any) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> WhitespaceTokenizer:
        return self


def register_tokenizer() -> None:
    """Make TOKENIZER resolvable by spaCy (needed before spacy.load of a model)."""
    from spacy.util import registry

    def factory() -> Callable[[Any], WhitespaceTokenizer]:
        return lambda nlp: WhitespaceTokenizer(nlp.vocab)

    registry.tokenizers.register(TOKENIZER, func=factory)
