"""What the command-line modules share: JSON output and the times staff type."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from core.timestamps import WIB


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def parse_when(text: str | None) -> datetime | None:
    """ISO date or time; naive means WIB (what staff type)."""
    if not text:
        return None
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=WIB)
