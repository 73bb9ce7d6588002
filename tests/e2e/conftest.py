"""Fixtures for whole conversations: a trained NLU model and an engine on the test DB."""

from __future__ import annotations

from pathlib import Path

import pytest

import nlu
from dialogue.engine import DialogueEngine
from tests.support.chat import Chat


@pytest.fixture
def engine(db: str, nlu_model_dir: Path) -> DialogueEngine:
    nlu.get_parser(nlu_model_dir)
    return DialogueEngine()


@pytest.fixture
def chat(engine: DialogueEngine) -> Chat:
    return Chat(engine)
