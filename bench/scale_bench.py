"""Flat cost at a million tickets (issue 15): `python -m bench.scale_bench`.

On a fresh PostgreSQL database, bench.fill grows the tickets to each size of
SCALE_SIZES (default 10000,100000,1000000), and at each size every operation of
bench/scale_ops.py is timed: the median of RUNS runs after one warm-up, with the
SQL statements it sends (a SQLAlchemy event listener). The SLA sweep runs once
after each fill (the breaches since the fill), then each measured run is one sweep
interval later, as in `bot serve`, with the same number of tickets falling due in
it at every size (scale_ops.NEWLY_DUE). Prints a markdown table with the growth from
the first size to the last, and the acceptance checks of the issue.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import scale_ops
from bench.common import use_database
from bench.fill import fill

SIZES_VARIABLE = "SCALE_SIZES"
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
RUNS = 3
PINS_PER_RUN = 10
SEED = 15

PIN, SWEEP, QUEUE, REPORT = "pin", "sweep", "queue", "report"
TEXT, STATUS, CEK = "text", "status", "cek"
LABELS = {
    PIN: "pin step of a complaint (`nearby_open_tickets`, per pin)",
    SWEEP: f"SLA sweep round recording {scale_ops.NEWLY_DUE} new breaches (`sweep_once`)",
    QUEUE: f"operator work queue, 2 pages of {scale_ops.QUEUE_PAGE} (oldest open of a region)",
    REPORT: "`sla report` for one month",
    TEXT: 'message "halo min" (engine turn)',
    STATUS: 'message "status"',
    CEK: 'message "cek LPG-..."',
}
PER_MESSAGE = (PIN, TEXT, STATUS, CEK)


@dataclass(frozen=True)
class Measured:
    ms: float
    statements: float


def _note(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def sizes() -> list[int]:
    raw = os.environ.get(SIZES_VARIABLE, "")
    return [int(s) for s in raw.split(",") if s.strip()] or list(DEFAULT_SIZES)


def label(size: int) -> str:
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def timed(counter: scale_ops.StatementCounter, run: Callable[[], None], per: int = 1,
          prepare: Callable[[], None] | None = None) -> Measured:  # fmt: skip
    """Median of RUNS runs after a warm-up; `prepare` runs before each, untimed."""
    run()  # warm-up: caches, first connection, NLU model
    samples = []
    for _ in range(RUNS):
        if prepare is not None:
            prepare()
        with counter.counting():
            started = time.perf_counter()
            run()
            elapsed = (time.perf_counter() - started) * 1000
        samples.append(Measured(elapsed / per, counter.count / per))
    return Measured(statistics.median(s.ms for s in samples),
                    statistics.median(s.statements for s in samples))  # fmt: skip


def measure(database_url: str, media_dir: Path, counter: scale_ops.StatementCounter,
            size: int) -> tuple[float, dict[str, Measured]]:  # fmt: skip
    """Grow to `size`, then time every operation; (fill seconds, results)."""
    from bot.assembly import durable_engine
    from bot.workers import sweep_once
    from core.clock import FixedClock

    grown = fill(size, seed=SEED, database_url=database_url, progress=_note)
    _note(f"{label(size)}: filled in {grown.seconds:.0f} s, measuring")
    use_database(database_url, media_dir)
    clock = FixedClock(datetime.now(UTC))
    sweep_once(clock)  # what fell due since the fill: one sweep's worth remains
    rng = random.Random(size)
    citizen = scale_ops.citizen_with_tickets()
    engine = durable_engine(database_url=database_url)
    results = {
        PIN: timed(counter, scale_ops.pin_step(rng, PINS_PER_RUN), per=PINS_PER_RUN),
        SWEEP: timed(counter, scale_ops.sweep(clock), prepare=scale_ops.sweep_due(clock)),
        QUEUE: timed(counter, scale_ops.queue(scale_ops.operator_of())),
        REPORT: timed(counter, scale_ops.month_report(clock.now)),
        TEXT: timed(counter, scale_ops.message(engine, citizen, "halo min")),
        STATUS: timed(counter, scale_ops.message(engine, citizen, "status")),
        CEK: timed(counter, scale_ops.message(engine, citizen, f"cek {citizen.ticket_number}")),
    }
    return grown.seconds, results


def bench_scale(
    database_url: str, wanted: list[int]
) -> tuple[dict[int, float], dict[int, dict[str, Measured]]]:
    counter = scale_ops.StatementCounter()
    fills: dict[int, float] = {}
    results: dict[int, dict[str, Measured]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sorted(wanted):
            fills[size], results[size] = measure(database_url, Path(tmp), counter, size)
    return fills, results


def markdown(fills: dict[int, float], results: dict[int, dict[str, Measured]]) -> str:
    order = sorted(results)
    first, last = order[0], order[-1]
    head = " | ".join(label(s) for s in order)
    growth = f"{label(first)} -> {label(last)}"
    lines = [f"| operation | {head} | {growth} |", "| --- |" + " --- |" * (len(order) + 1)]
    for key, name in LABELS.items():
        cells = " | ".join(
            f"{results[s][key].ms:.1f} ms, {results[s][key].statements:g} st." for s in order
        )
        lines.append(f"| {name} | {cells} | {_factor(results, key, first, last)} |")
    fill_cells = " | ".join(f"{fills[s]:.0f} s" for s in order)
    lines.append(f"| bench.fill, growing to this size | {fill_cells} | |")
    return "\n".join(lines) + "\n\n" + acceptance(results) + "\n"


def _factor(results: dict[int, dict[str, Measured]], key: str, first: int, last: int) -> str:
    if first == last or results[first][key].ms <= 0:
        return "-"
    return f"{results[last][key].ms / results[first][key].ms:.2f}x"


def acceptance(results: dict[int, dict[str, Measured]]) -> str:
    """The issue's targets, checked on these numbers."""
    order = sorted(results)
    first, last = results[order[0]], results[order[-1]]
    flat = [k for k in PER_MESSAGE if last[k].ms < 2 * first[k].ms]
    checks = [
        (f"per-message operations grow less than 2x ({', '.join(PER_MESSAGE)})",
         len(flat) == len(PER_MESSAGE), f"within: {', '.join(flat) or 'none'}"),
        (f"SLA sweep under 1 s at {label(order[-1])}", last[SWEEP].ms < 1000,
         f"{last[SWEEP].ms:.0f} ms"),
        ("SLA sweep statements constant",
         len({round(results[s][SWEEP].statements) for s in order}) == 1,
         ", ".join(f"{results[s][SWEEP].statements:g}" for s in order)),
        (f"queue page under 50 ms at {label(order[-1])}", last[QUEUE].ms < 50,
         f"{last[QUEUE].ms:.1f} ms"),
    ]  # fmt: skip
    return "\n".join(
        f"- {'met' if ok else 'NOT met'}: {what} ({seen})" for what, ok, seen in checks
    )


def scale_markdown() -> str:
    """The table on a fresh PostgreSQL database (or why there is none)."""
    from bench.run import with_postgres

    wanted = sizes()
    found: dict[str, tuple[dict[int, float], dict[int, dict[str, Measured]]]] = {}
    error = with_postgres(lambda url: found.update(done=bench_scale(url, wanted)) or [])
    if "done" not in found:
        return f"{error}\n"
    return markdown(*found["done"])


def main() -> int:
    print(scale_markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
