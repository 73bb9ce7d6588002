"""SLA sweeps beside a load run (bench/load_bench.py `--sweep-effect`).

`python -m bench.sweeper --every 1` runs `sweep_once` on DATABASE_URL every second
until stopped, each round's clock an hour later than the last, so every round finds
the deadlines an hour has passed (the breaches of 12 rounds of `bot serve`, which
sweeps every 5 minutes): far more sweeping than a real server does, an upper bound.
"""

from __future__ import annotations

import argparse
import itertools
import json
import signal
import time
from datetime import UTC, datetime, timedelta

from bot.workers import sweep_once

SIMULATED_PER_ROUND = timedelta(hours=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--every", type=float, default=1.0, help="seconds between rounds")
    args = parser.parse_args(argv)
    start = datetime.now(UTC)
    done = {"rounds": 0, "breaches": 0}

    def report(*_: object) -> None:  # on SIGTERM: what the load bench reports
        print(json.dumps(done), flush=True)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, report)
    for rounds in itertools.count(1):
        at = start + rounds * SIMULATED_PER_ROUND
        done["breaches"] += sweep_once(lambda: at)  # noqa: B023 (called at once)
        done["rounds"] = rounds
        time.sleep(args.every)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
