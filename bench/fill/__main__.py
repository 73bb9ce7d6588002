"""python -m bench.fill --tickets N [--seed S] [--method copy|insert]: grow the
database of DATABASE_URL to N tickets (see bench/fill/__init__.py)."""

from __future__ import annotations

import argparse
import sys

from bench.fill import fill
from bench.fill.write import COPY, INSERT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fill", description=__doc__)
    parser.add_argument("--tickets", type=int, required=True, help="tickets in all afterwards")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--method", choices=(COPY, INSERT), default=None,
        help="COPY (PostgreSQL only, its default) or INSERT executemany",
    )  # fmt: skip
    args = parser.parse_args(argv)
    result = fill(args.tickets, seed=args.seed, method=args.method,
                  progress=lambda line: print(line, file=sys.stderr, flush=True))  # fmt: skip
    print(f"{result.before} tickets before, {result.added} added in {result.seconds:.1f} s "
          f"({result.method})")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
