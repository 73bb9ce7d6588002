"""Benchmarks: `make bench` -> docs/benchmarks.md (machine and date included).

Measures what a citizen feels: NLU parse latency, and the latency of one whole
message through the dialogue engine (NLU, rules, actions, one DB transaction) for
a full complaint conversation, on SQLite and on the local PostgreSQL; plus the
resident memory of the process. Bounded in count; everything stays on this machine.
"""

from __future__ import annotations

import contextlib
import os
import platform
import resource
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from bench.common import ROOT, scratch_postgres, use_database
from bench.nlu_bench import MESSAGES, nlu_benchmark_markdown

PARSE_ROUNDS = 200
CONVERSATIONS = 30


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return statistics.median(ordered), p95, max(ordered)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_parse() -> tuple[float, list[float]]:
    import nlu

    started = time.perf_counter()
    nlu.parse(MESSAGES[0])
    load_seconds = time.perf_counter() - started
    samples = []
    for i in range(PARSE_ROUNDS):
        t0 = time.perf_counter()
        nlu.parse(MESSAGES[i % len(MESSAGES)])
        samples.append((time.perf_counter() - t0) * 1000)
    return load_seconds, samples


def bench_engine(database_url: str, media_dir: Path, photo: Path) -> list[float]:
    from core import db
    from dialogue.engine import DialogueEngine
    from dialogue.messages import GeoPoint, Inbound, InboundMedia

    use_database(database_url, media_dir)
    engine = DialogueEngine()
    samples: list[float] = []
    for i in range(CONVERSATIONS):
        user = f"bench-{i}"
        steps: list[dict[str, object]] = [
            {"text": "jalan di depan sdn 2 rajabasa berlubang besar, sudah banyak motor jatuh"},
            {"location": GeoPoint(-5.3719, 105.2393)},
            {"photo": InboundMedia(str(photo))},
            {"text": "ya"},
            {"text": "status"},
        ]
        for step in steps:
            inbound = Inbound("bench", user, uuid.uuid4().hex, **step)  # type: ignore[arg-type]
            t0 = time.perf_counter()
            engine.handle(inbound)
            samples.append((time.perf_counter() - t0) * 1000)
    db.get_engine(database_url).dispose()
    return samples


def with_postgres(run: Callable[[str], list[float]]) -> list[float] | str:
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(scratch_postgres("laporin_bench"))
        except Exception as exc:  # report, do not hide: the table says why it is missing
            return f"PostgreSQL not reachable: {exc.__class__.__name__}"
        return run(url)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return (
        f"{platform.node()}: {os.cpu_count()} cores ({cpu}), {mem_gb:.0f} GiB RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def _timed(call: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    call()
    return (time.perf_counter() - t0) * 1000


def bench_knowledge() -> dict[str, Any]:
    """Load time and per-call latency of the region look-up, the gazetteer of typed
    places, MPP search and KB search."""
    import random

    from knowledge.geo.gazetteer import default_gazetteer
    from knowledge.geo.places import VILLAGE
    from knowledge.geo.region import default_locator, locate
    from knowledge.mpp import nearest_mpps
    from knowledge.retrieval import default_index
    from knowledge.retrieval_eval import held_out_questions

    region_load = _timed(default_locator) / 1000
    index_load = _timed(default_index) / 1000
    gazetteer_load = _timed(default_gazetteer) / 1000
    rng = random.Random(0)
    pins = [(rng.uniform(-6.2, -3.7), rng.uniform(103.5, 106.2)) for _ in range(500)]
    villages = [p for p in default_gazetteer().places() if p.level == VILLAGE]
    # As citizens type them: "kel. <village>, kec. <kecamatan>", a letter dropped.
    typed = [f"kel. {v.name[:3]}{v.name[4:]}, kec. {v.district}" for v in rng.sample(villages, 300)]
    questions = [text for _, text in held_out_questions()]
    return {
        "region_load_s": region_load,
        "index_load_s": index_load,
        "gazetteer_load_s": gazetteer_load,
        "gazetteer": [_timed(partial(default_gazetteer().read, t)) for t in typed],
        "locate": [_timed(partial(locate, *p)) for p in pins],
        "mpp": [_timed(partial(nearest_mpps, *p)) for p in pins[:200]],
        "search": [_timed(partial(default_index().search, q)) for q in questions * 2],
    }


def row(name: str, samples: list[float] | str) -> str:
    if isinstance(samples, str):
        return f"| {name} | – | – | – | {samples} |"
    p50, p95, worst = percentiles(samples)
    return f"| {name} | {p50:.1f} | {p95:.1f} | {worst:.1f} | {len(samples)} |"


def main() -> int:
    from PIL import Image

    nlu_section = nlu_benchmark_markdown()
    load_seconds, parse_samples = bench_parse()
    knowledge = bench_knowledge()
    from bench.sla_simulation import markdown as simulation_markdown
    from bench.sla_simulation import simulate

    simulation = simulation_markdown(simulate(days=30, per_day=60, seed=7))
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        photo = tmp_path / "photo.jpg"
        Image.new("RGB", (1280, 960), (120, 90, 60)).save(photo, "JPEG")
        sqlite = bench_engine(f"sqlite:///{tmp_path / 'bench.db'}", tmp_path / "m1", photo)
        postgres = with_postgres(lambda url: bench_engine(url, tmp_path / "m2", photo))
        from bench.whatsapp_bench import BURST, SEQUENTIAL, bench_whatsapp

        wa_sqlite = bench_whatsapp(f"sqlite:///{tmp_path / 'wa.db'}", tmp_path / "m3")
        wa_pg: dict[str, Any] = {}
        wa_pg_error = with_postgres(
            lambda url: wa_pg.update(bench_whatsapp(url, tmp_path / "m4")) or []
        )
        wa_postgres = wa_pg or {"ack": wa_pg_error, "reply": wa_pg_error}
        from bench.flood_bench import FLOOD, QUIET, QUIET_MESSAGES, bench_flood

        flood_pg: dict[str, Any] = {}
        flood_error = with_postgres(
            lambda url: flood_pg.update(bench_flood(url, tmp_path / "m5")) or []
        )
        flood = flood_pg or {"calm": flood_error, "flood": flood_error,
                             "flood_answered": 0, "logged_in": 0}  # fmt: skip
    from bench.scale_bench import scale_markdown

    scale = scale_markdown()
    from bench.load_bench import throughput_section

    throughput = throughput_section()
    from bench.workspace_bench import TICKETS as WORKSPACE_TICKETS
    from bench.workspace_bench import workspace_markdown

    workspace = workspace_markdown()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    report = f"""# Benchmarks

Written by `make bench` (bench/run.py); numbers are from the run below, not edited by hand.

- Date: {datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}
- Machine: {machine()}
- Commit: {commit or "unknown"}

## Latency (milliseconds)

| what | p50 | p95 | max | samples |
| --- | --- | --- | --- | --- |
{row("nlu.parse, one message", parse_samples)}
{row("engine.handle, one message, SQLite", sqlite)}
{row("engine.handle, one message, PostgreSQL", postgres)}
{row("knowledge: region look-up of a pin (locate)", knowledge["locate"])}
{row("knowledge: typed place in the gazetteer (a typo, with kecamatan)", knowledge["gazetteer"])}
{row("knowledge: 3 nearest MPPs (geodesic)", knowledge["mpp"])}
{row("knowledge: free-question search (BM25)", knowledge["search"])}

`engine.handle` covers one whole inbound message: NLU, rules, rasa-sdk actions
in-process, photo check and storage, ticket numbering, and the single database
transaction. Each conversation is a full complaint (text, pin, 1280x960 JPEG photo,
confirmation) followed by a status check: {CONVERSATIONS} conversations per backend.

## WhatsApp webhook (bench/whatsapp_bench.py)

| what | p50 | p95 | max | samples |
| --- | --- | --- | --- | --- |
{row("signed POST -> 200 (ack), SQLite", wa_sqlite["ack"])}
{row("signed POST -> 200 (ack), PostgreSQL", wa_postgres["ack"])}
{row("signed POST -> first reply at the Graph API, SQLite", wa_sqlite["reply"])}
{row("signed POST -> first reply at the Graph API, PostgreSQL", wa_postgres["reply"])}

uvicorn on a loopback port with the WhatsApp channel's background tasks running;
the Graph API is the fake from the tests, in-process. "ack": {BURST} text messages
from 20 users posted back to back while the processor answers the earlier ones
(Meta needs the 200 quickly, whatever the NLU costs). "first reply": {SEQUENTIAL}
messages one at a time, until the first reply payload reaches the Graph API
(signature check, storing the event, NLU, engine, Graph call).

{throughput}
## One citizen floods, the others wait (bench/flood_bench.py)

| what | p50 | p95 | max | samples |
| --- | --- | --- | --- | --- |
{row("another citizen's wait for an answer, no flood (PostgreSQL)", flood["calm"])}
{row(f"the same while one number posts {FLOOD} messages (PostgreSQL)", flood["flood"])}

{QUIET} citizens send {QUIET_MESSAGES} messages each, one at a time, waiting for each
answer, first alone, then while one number posts {FLOOD} messages as fast as it can
over the same server. The flooding number got {flood["flood_answered"]} answers: past
`RATE_MESSAGES_PER_MINUTE` its messages are kept in the log ({flood["logged_in"]}
inbound rows in all) but not processed, and `PROCESSOR_WORKERS` workers keep the other
conversations moving.

## Scale: 10k / 100k / 1M tickets (bench/scale_bench.py)

{scale}
One fresh PostgreSQL database grown by `python -m bench.fill` (realistic tickets
over the past year: citizens and contacts, histories, escalations, pins near
Lampung's villages) to each size in turn; at each size every operation is the
median of 3 runs after a warm-up, with the SQL statements it sends (a SQLAlchemy
event listener). The sweep runs once after each fill, then each measured run is
one sweep interval (5 minutes) later, as `bot serve` runs it; messages are a
citizen with 3 tickets through the served channels' engine.

## Staff and leaders' pages with {WORKSPACE_TICKETS:,} tickets (bench/workspace_bench.py)

{workspace}
A fresh PostgreSQL database first lives through the simulated month of
bench/sla_simulation.py (30 days from 2026-11-02, 60 reports a day worked through
the real workflow and SLA sweeps), then `python -m bench.fill` grows it to
{WORKSPACE_TICKETS:,} tickets over the past year. Staff log in and each page is
requested 40 times after a warm-up through the ASGI app in process (Starlette's
TestClient): the server's whole time (session and CSRF check, scope, queries,
Jinja2 rendering), no network. The operator is the busiest region's, the agency
user the busiest agency's; the admin sees the whole province and opens the leaders'
dashboard, its map data and the sanctions list of the simulated month (the
target). The dashboard of the whole year, in which every ticket falls, and the
XLSX download are timed without a target: each figure is a grouped query over the
period's rows, so a year of 100,000 tickets costs several full passes over them.

## Start-up and memory

| what | value |
| --- | --- |
| NLU first parse here (imports spaCy, loads the model) | {load_seconds:.2f} s |
| region data first use (villages + land mask) | {knowledge["region_load_s"]:.2f} s |
| gazetteer build (villages, kecamatan, kabupaten/kota) | {knowledge["gazetteer_load_s"]:.2f} s |
| knowledge index build (16 topics + FAQ questions, stemming) | {knowledge["index_load_s"]:.2f} s |
| peak resident memory of the benchmark process (NLU, engine, both databases) | {rss_mb():.0f} MB |

## Service levels: a simulated month (bench/sla_simulation.py)

{simulation}
## NLU alone, in fresh processes (bench/nlu_bench.py)

{nlu_section}

For comparison, ANCHORS.md measured Rasa 3.6 NLU (DIET) at ~820 MB RSS, ~21 s start-up
and ~14 ms per parse on a machine of this size.
"""
    out = ROOT / "docs" / "benchmarks.md"
    out.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
