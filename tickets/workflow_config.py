"""tickets/workflow.yml, loaded once (shared by the workflow and the staff alerts)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tickets.texts import TEXTS

WORKFLOW_FILE = Path(__file__).with_name("workflow.yml")


@cache
def raw() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(WORKFLOW_FILE.read_text(encoding="utf-8"))
    return data


def wording(section: str) -> dict[str, str]:
    """Deprecated: use ``tickets.texts.TEXTS``; kept until bot/staff_actions.py switches."""
    return TEXTS.section(section)
