"""`python -m bot serve`, counting the SQL statements it sends (bench/load_bench.py).

PostgreSQL counts transactions itself (pg_stat_database), but statements only with
pg_stat_statements, which must be preloaded into the server. So each process of the
server counts what SQLAlchemy executes (an event on every Engine) and writes the
count to STATEMENT_COUNT_DIR/<pid> a few times a second. Everything else is the
real command: `python -m bench.counted_serve serve --port 8080 [--workers N]`.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

_lock = threading.Lock()
_count = 0


def _counted(*_: Any) -> None:
    global _count
    with _lock:
        _count += 1


def _write_counts(folder: Path) -> None:
    target, partial = folder / str(os.getpid()), folder / f".{os.getpid()}"
    while True:
        partial.write_text(str(_count))
        partial.replace(target)  # whole, never half written, when the bench reads it
        time.sleep(0.2)


def install() -> None:
    """Count in this process, once."""
    folder = os.environ.get("STATEMENT_COUNT_DIR")
    if not folder or event.contains(Engine, "after_cursor_execute", _counted):
        return
    event.listen(Engine, "after_cursor_execute", _counted)
    threading.Thread(target=_write_counts, args=(Path(folder),), daemon=True).start()


# At import: uvicorn's worker processes (multiprocessing "spawn") import this module
# as their __mp_main__ without running main().
install()


def main() -> int:
    from bot.cli import main as bot_main

    return bot_main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
