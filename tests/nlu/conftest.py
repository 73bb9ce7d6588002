"""One real training run per session (into a tmp dir), shared by the NLU tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu.parser import NluParser
from nlu.train import train


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("nlu") / "model"
    result = train(out_dir=out)
    assert result.trained
    return out


@pytest.fixture(scope="session")
def parser(model_dir: Path) -> NluParser:
    return NluParser.load(model_dir)
