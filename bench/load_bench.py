"""Throughput: webhooks into a real `python -m bot serve` on a fresh PostgreSQL database.

`python -m bench.load_bench [--channel whatsapp|telegram] [--workers N] [--rates 10,20]
[--tickets N] [--sweep-effect]`

The server is the real command (bench/counted_serve.py only adds a count of SQL
statements), configured by environment as in production; the fake Graph API and the
fake Bot API run in another process (bench/fake_platforms.py) and answer after
PLATFORM_DELAY, the round trip to Meta's or Telegram's servers from Indonesia.
Simulated citizens (bench/load_citizens.py) post signed webhooks at stepped offered
rates, open loop. For each rate: messages per second answered, ack and reply
latency, nothing lost (every message acknowledged and answered, no stored event or
reply left), SQL statements and transactions per message, the backlog when the
posting stops, and the server's CPU. Each step starts with empty queues.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

from bench.common import ROOT, scratch_postgres
from bench.load_citizens import Channel, answers, offer, summary, telegram, whatsapp

PLATFORM_DELAY = 0.150
STEP_SECONDS = 10.0
# Low rates first: where the queue starts to grow is the first rate not kept up with.
RATES = {"whatsapp": (10, 20, 30, 40, 60), "telegram": (5, 10, 20, 30)}
# The sweep's effect: one rate well within capacity, on a database of this size.
SWEEP_RATE, SWEEP_TICKETS = 15, 100_000
DRAIN_TIMEOUT = 90.0
APP_SECRET = "load-bench-secret"
VERIFY_TOKEN = "load-bench-verify"
BOT_TOKEN = "4242:LOADBENCH"
TELEGRAM_SECRET = "load-bench-telegram"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# What is still to do for the channel measured (a filled database also holds staff
# messages for the other channel, which nobody sends here).
QUEUES = {
    "whatsapp": "SELECT (SELECT count(*) FROM whatsapp_event WHERE status IN "
    "('pending', 'processing')) + (SELECT count(*) FROM notification WHERE status IN "
    "('pending', 'sending') AND channel = 'whatsapp')",
    "telegram": "SELECT (SELECT count(*) FROM telegram_update WHERE status IN "
    "('pending', 'processing')) + (SELECT count(*) FROM notification WHERE status IN "
    "('pending', 'sending') AND channel = 'telegram')",
}
DEAD = "SELECT (SELECT count(*) FROM whatsapp_event WHERE status = 'failed') + (SELECT " \
    "count(*) FROM telegram_update WHERE status = 'failed') + (SELECT count(*) FROM " \
    "notification WHERE status = 'failed')"  # fmt: skip


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def _children(pid: int) -> list[int]:
    found = [pid]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


class Counters:
    """Transactions (PostgreSQL's own count), statements (the server's count), CPU."""

    def __init__(
        self, engine: Engine, name: str, statement_dir: Path, server: int, fakes: int
    ) -> None:
        self.engine, self.name, self.dir, self.server = engine, name, statement_dir, server
        self.fakes = fakes

    def _xacts(self) -> int:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT pg_stat_clear_snapshot()"))
            return int(conn.scalar(text(
                "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = :n"
            ), {"n": self.name}) or 0)  # fmt: skip

    def read(self) -> dict[str, float]:
        # Backends report their counts when idle, at most once a second: wait until
        # two readings agree (but for the readings' own few transactions).
        xacts = self._xacts()
        for _ in range(12):
            time.sleep(1.0)
            again = self._xacts()
            if again - xacts <= 3:
                break
            xacts = again
        statements = sum(int(p.read_text() or 0) for p in self.dir.glob("[0-9]*"))
        with self.engine.connect() as conn:
            query = text("SELECT pid FROM pg_stat_activity WHERE datname = :n")
            backends = [int(pid) for pid in conn.scalars(query, {"n": self.name})]
        return {"xacts": xacts, "statements": statements,
                "server_cpu": _cpu_seconds(_children(self.server)),
                "postgres_cpu": _cpu_seconds(backends),
                # The load generator (this process) and the fake platforms.
                "harness_cpu": _cpu_seconds([os.getpid(), self.fakes])}  # fmt: skip


def _env(
    kind: str, database_url: str, ports: dict[str, int], folder: Path, workers: int
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WHATSAPP_"))}
    # PostgreSQL here allows 100 connections: the processes share a pool of about 24.
    env.setdefault("DATABASE_POOL_SIZE", str(max(6, 24 // workers)))
    env.update(DATABASE_URL=database_url, MEDIA_DIR=str(folder / "media"), LOG_LEVEL="WARNING",
               STATEMENT_COUNT_DIR=str(folder / "statements"), PYTHONUNBUFFERED="1")  # fmt: skip
    if kind == "whatsapp":
        env.update(
            WHATSAPP_API_BASE_URL=f"http://127.0.0.1:{ports['graph']}",
            WHATSAPP_PHONE_NUMBER_ID="109000000000001", WHATSAPP_ACCESS_TOKEN="test-access-token",
            WHATSAPP_VERIFY_TOKEN=VERIFY_TOKEN, WHATSAPP_APP_SECRET=APP_SECRET,
            # Meta's upgraded tier: at hundreds of messages a second a number has it.
            WHATSAPP_MESSAGES_PER_SECOND="1000",
        )  # fmt: skip
    else:
        base = f"http://127.0.0.1:{ports['bot']}"
        env.update(
            TELEGRAM_BOT_TOKEN=BOT_TOKEN,
            TELEGRAM_WEBHOOK_SECRET=TELEGRAM_SECRET,
            TELEGRAM_BASE_URL=f"{base}/bot",
            TELEGRAM_BASE_FILE_URL=f"{base}/file/bot",
        )
    return env


def _wait_for(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if predicate():
                return
        time.sleep(0.2)
    raise RuntimeError(f"timed out waiting for {what}")


class Fake:
    """The fakes' record of what was sent to whom, fetched as it grows."""

    def __init__(self, port: int, path: str) -> None:
        self.url, self.path, self.next = f"http://127.0.0.1:{port}", path, 0
        self.sent: list[tuple[str, float]] = []

    def fetch(self) -> list[tuple[str, float]]:
        data = httpx.get(f"{self.url}{self.path}", params={"since": self.next}, timeout=30).json()
        self.sent += [(str(key), float(at)) for key, at in data["sent"]]
        self.next = data["next"]
        return self.sent

    def counts(self) -> dict[str, Any]:
        return dict(httpx.get(f"{self.url}/counts", timeout=30).json())


def _step(channel: Channel, base: str, step_no: int, rate: int, seconds: float, fake: Fake,
          queue: Any, counters: Counters) -> dict[str, Any]:  # fmt: skip
    before = counters.read()
    step = asyncio.run(offer(base, channel, step_no, rate, seconds))
    backlog = queue()
    posted_until = time.time()

    def answered() -> bool:
        latencies = answers(step, fake.fetch())
        return all(s is not None for s in latencies) and queue() == 0

    with contextlib.suppress(RuntimeError):
        _wait_for(answered, DRAIN_TIMEOUT, "the answers")
    drained = time.time() - posted_until
    after = counters.read()
    latencies = answers(step, fake.fetch())
    row = summary(step, latencies)
    messages = max(row["messages"], 1)
    span = max(posted_until - step.started + drained, 1e-9)
    row.update(
        backlog=backlog, drain_s=drained, left=queue(),
        statements=(after["statements"] - before["statements"]) / messages,
        transactions=(after["xacts"] - before["xacts"]) / messages,
        server_cores=(after["server_cpu"] - before["server_cpu"]) / span,
        server_ms=(after["server_cpu"] - before["server_cpu"]) * 1000 / messages,
        postgres_cores=(after["postgres_cpu"] - before["postgres_cpu"]) / span,
        harness_cores=(after["harness_cpu"] - before["harness_cpu"]) / span,
    )  # fmt: skip
    return row


@contextlib.contextmanager
def _sweeping(url: str) -> Any:
    """SLA sweeps in another process while the block runs (bench/sweeper.py); the
    dict yielded gets the rounds run and breaches recorded."""
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    sweeper = subprocess.Popen([sys.executable, "-m", "bench.sweeper", "--every", "1"],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE)  # fmt: skip
    done: dict[str, int] = {}
    try:
        yield done
    finally:
        sweeper.terminate()
        out, _ = sweeper.communicate(timeout=60)
        with contextlib.suppress(ValueError):
            done.update(json.loads(out.decode().strip().splitlines()[-1]))


def run(kind: str, rates: tuple[int, ...], *, workers: int = 1, seconds: float = STEP_SECONDS,
        delay: float = PLATFORM_DELAY, tickets: int = 0,
        sweep_effect: bool = False) -> dict[str, Any]:  # fmt: skip
    """`tickets`: the database is first grown to that many (bench.fill);
    `sweep_effect`: each rate twice, the second time with SLA sweeps running."""
    from bench.fill import fill
    from tickets.reference import upgrade

    ports = {name: free_port() for name in ("graph", "bot", "stats", "server")}
    channel = whatsapp(APP_SECRET) if kind == "whatsapp" else telegram(
        TELEGRAM_SECRET, "X-Telegram-Bot-Api-Secret-Token")  # fmt: skip
    with (
        scratch_postgres("laporin_load") as url,
        tempfile.TemporaryDirectory(prefix="load-") as tmp,
    ):
        folder = Path(tmp)
        (folder / "statements").mkdir()
        upgrade(url)
        if tickets:
            fill(tickets, database_url=url)
        fakes = subprocess.Popen(
            [sys.executable, "-m", "bench.fake_platforms", "--delay", str(delay),
             "--graph-port", str(ports["graph"]), "--bot-port", str(ports["bot"]),
             "--stats-port", str(ports["stats"])], cwd=ROOT)  # fmt: skip
        log = (folder / "server.log").open("wb")
        command = [sys.executable, "-m", "bench.counted_serve", "serve"]
        command += ["--port", str(ports["server"])]
        command += ["--workers", str(workers)] if workers > 1 else []
        server = subprocess.Popen(command, cwd=ROOT, env=_env(kind, url, ports, folder, workers),
                                  stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
        engine = create_engine(url, poolclass=NullPool)
        try:
            base = f"http://127.0.0.1:{ports['server']}"
            fake = Fake(ports["stats"], channel.sent_path)
            _wait_for(lambda: httpx.get(f"{fake.url}/counts").status_code == 200, 30, "fakes")
            _wait_for(lambda: httpx.get(f"{base}/healthz").status_code == 200, 120, "server")

            def queue() -> int:
                with engine.connect() as conn:
                    return int(conn.scalar(text(QUEUES[kind])) or 0)

            name = make_url(url).database or ""
            counters = Counters(engine, name, folder / "statements", server.pid, fakes.pid)
            with engine.connect() as conn:  # a filled database may hold some already
                dead_before = int(conn.scalar(text(DEAD)) or 0)
            # Warm-up (NLU, pools, first conversations), not measured.
            _step(channel, base, 99, 5, 2.0, fake, queue, counters)
            rows = []
            steps = [(rate, sweeps) for rate in rates for sweeps in
                     ((False, True) if sweep_effect else (False,))]  # fmt: skip
            for step_no, (rate, sweeps) in enumerate(steps):
                sweeping: Any = _sweeping(url) if sweeps else contextlib.nullcontext({})
                with sweeping as swept:
                    row = _step(channel, base, step_no, rate, seconds, fake, queue, counters)
                row["sweeping"], row["swept"] = sweeps, swept
                rows.append(row)
                print(_line(kind, row), flush=True)
                if row["left"] or row["drain_s"] >= DRAIN_TIMEOUT:
                    break  # past what the server can do: higher rates say nothing more
            with engine.connect() as conn:
                dead = int(conn.scalar(text(DEAD)) or 0) - dead_before
            return {"kind": kind, "workers": workers, "rows": rows, "dead": dead,
                    "fake": fake.counts(), "delay": delay, "seconds": seconds,
                    "tickets": tickets, "sweep_effect": sweep_effect}  # fmt: skip
        finally:
            server.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(30)
            if server.poll() is None:
                server.kill()
            fakes.terminate()
            fakes.wait(30)
            engine.dispose()
            log.close()
            tail = (folder / "server.log").read_text(errors="replace")[-2000:]
            if "Traceback" in tail or "ERROR" in tail:
                print(f"--- server log (tail) ---\n{tail}", file=sys.stderr)


def _line(kind: str, row: dict[str, Any]) -> str:
    return (f"{kind} {row['rate']:>4}/s offered: {row['answered_per_s']:6.1f}/s answered, "
            f"ack p50 {row['ack_p50']:.1f} p99 {row['ack_p99']:.1f} ms, reply p50 "
            f"{row['reply_p50']:.0f} p99 {row['reply_p99']:.0f} ms, lost "
            f"{row['messages'] - row['answered']}, backlog {row['backlog']}, "
            f"{row['statements']:.1f} stmts {row['transactions']:.2f} xacts/msg, server "
            f"{row['server_cores']:.2f} cores ({row['server_ms']:.1f} ms/msg), postgres "
            f"{row['postgres_cores']:.2f}, harness {row['harness_cores']:.2f}")  # fmt: skip


def _grows(row: dict[str, Any]) -> bool:
    return bool(row["backlog"] > row["rate"] or row["answered_per_s"] < 0.9 * row["rate"])


def grows_at(result: dict[str, Any]) -> str:
    """Where the queue starts to grow: the highest offered rate served as offered
    and the lowest whose queue outgrew a second's worth of messages."""
    rows = [r for r in result["rows"] if not r.get("sweeping")]
    if not rows:
        return "unknown"
    served = [r["rate"] for r in rows if not _grows(r)]
    grew = [r["rate"] for r in rows if _grows(r)]
    kept = (
        f"kept up with {max(served)} msg/s"
        if served
        else f"fell behind at {rows[0]['rate']} msg/s already"
    )
    return f"{kept}; the queue grows from {min(grew)} msg/s" if grew else (
        f"{kept}; the queue did not grow within {rows[-1]['rate']} msg/s")  # fmt: skip


def table(result: dict[str, Any]) -> str:
    lines = [
        "| offered msg/s | answered msg/s | ack p50 / p99 ms | reply p50 / p99 ms | lost | "
        "backlog at end | SQL statements / msg | transactions / msg | server cores | "
        "server CPU ms / msg | PostgreSQL cores | load generator and fakes, cores |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in result["rows"]:
        lost = r["messages"] - r["answered"] + r["unacked"]
        swept = r.get("swept") or {}
        rate = (f"{r['rate']}, SLA sweeps running ({swept.get('rounds', '?')} rounds, "
                f"{swept.get('breaches', '?')} breaches recorded)"
                if r.get("sweeping") else str(r["rate"]))  # fmt: skip
        lines.append(
            f"| {rate} | {r['answered_per_s']:.0f} | {r['ack_p50']:.1f} / "
            f"{r['ack_p99']:.1f} | {r['reply_p50']:.0f} / {r['reply_p99']:.0f} | {lost} of "
            f"{r['messages']} | {r['backlog']} | {r['statements']:.1f} | "
            f"{r['transactions']:.2f} | {r['server_cores']:.2f} | {r['server_ms']:.1f} | "
            f"{r['postgres_cores']:.2f} | {r['harness_cores']:.2f} |"
        )
    return "\n".join(lines)


def markdown(results: list[dict[str, Any]]) -> str:
    parts = []
    for result in results:
        name = {"whatsapp": "WhatsApp", "telegram": "Telegram"}[result["kind"]]
        processes = f", `--workers {result['workers']}`" if result["workers"] > 1 else ""
        filled = (
            f", database grown to {result['tickets']:,} tickets" if result.get("tickets") else ""
        )
        parts.append(
            f"**{name}**{processes}{filled}: {result['seconds']:.0f} s per rate, platform "
            f"answers after {result['delay'] * 1000:.0f} ms; {grows_at(result)}; dead "
            f"letters after the run: {result['dead']}.\n\n"
            f"{table(result)}\n"
        )
    return "\n".join(parts)


SECTION = "## Throughput: webhooks into bot serve (bench/load_bench.py)"


def section(results: list[dict[str, Any]]) -> str:
    return f"""{SECTION}

{markdown(results)}
A real `python -m bot serve` on a fresh PostgreSQL database; the fake Graph API and
Bot API in another process answer every call after the delay above. Citizens (a
number each, writing every 5 s: greetings, service questions, `status`, the first
words of a complaint) post signed webhooks open loop at each offered rate; a 503 is
posted again. "reply": POST -> the first message the fake accepted for that citizen.
"lost": messages not acknowledged or never answered. Transactions are PostgreSQL's
count (pg_stat_database); statements are counted by the server process
(bench/counted_serve.py: pg_stat_statements is not preloaded here). Server and
PostgreSQL cores: CPU seconds per second of the step. The load generator and the
fakes share the same 2 cores ("load generator and fakes": their CPU). "SLA sweeps
running": the same rate again while bench/sweeper.py runs a sweep round every second,
each an hour later than the last (12 rounds of `bot serve`'s breaches a second), in
another process on the same cores.
"""


def throughput_section() -> str:
    """The section of docs/benchmarks.md (bench/run.py): both channels, every rate."""
    try:
        results = [
            run("whatsapp", RATES["whatsapp"]),
            run("whatsapp", RATES["whatsapp"], workers=2),
            run("telegram", RATES["telegram"]),
            run("telegram", RATES["telegram"], workers=2),
            run("whatsapp", (SWEEP_RATE,), tickets=SWEEP_TICKETS, sweep_effect=True),
        ]
    except Exception as error:  # report, do not hide: the section says why it is missing
        return f"{SECTION}\n\nNot measured: {type(error).__name__}: {error}\n"
    return section(results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--channel", choices=("whatsapp", "telegram", "both"), default="both")
    parser.add_argument("--workers", type=int, default=1, help="bot serve processes")
    parser.add_argument("--rates", help="comma-separated offered rates (messages/s)")
    parser.add_argument("--seconds", type=float, default=STEP_SECONDS)
    parser.add_argument("--delay", type=float, default=PLATFORM_DELAY)
    parser.add_argument("--tickets", type=int, default=0, help="grow the database first")
    parser.add_argument("--sweep-effect", action="store_true",
                        help="each rate again with SLA sweeps running")  # fmt: skip
    args = parser.parse_args(argv)
    kinds = ("whatsapp", "telegram") if args.channel == "both" else (args.channel,)
    results = []
    for kind in kinds:
        rates = tuple(int(r) for r in args.rates.split(",")) if args.rates else RATES[kind]
        results.append(run(kind, rates, workers=args.workers, seconds=args.seconds,
                           delay=args.delay, tickets=args.tickets,
                           sweep_effect=args.sweep_effect))  # fmt: skip
    print(section(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
