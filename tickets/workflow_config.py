"""tickets/workflow.yml, loaded once."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

WORKFLOW_FILE = Path(__file__).with_name("workflow.yml")


@cache
def raw() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(WORKFLOW_FILE.read_text(encoding="utf-8"))
    return data
