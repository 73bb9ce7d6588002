"""The served app with its WhatsApp channel on the fake Graph API, for whole conversations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.whatsapp_harness import Served, serve


@pytest.fixture
def served(db: str, media_dir: Path, nlu_model_dir: Path) -> Iterator[Served]:
    import nlu

    nlu.get_parser(nlu_model_dir)
    with serve(database_url=db, media_dir=media_dir) as app:
        yield app
    assert app.fake.violations == [], app.fake.violations
