"""NLU speed and memory: `python -m bench.nlu_bench` (also included by `make bench`).

Each run is a fresh subprocess (so import/load time and peak RSS are what a
newly started bot pays): model load time (imports + NluParser.load), parse
latency p50/p99 over a fixed message list, and peak RSS after loading and
parsing. Repeated RUNS times (the machine is shared and noisy); the table shows
the median run. Also reports the model size on disk.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3
ROUNDS = 100
MESSAGES = [
    "jln depan rumah rusak parah bgt min, lubangnya gede",
    "gmn cara bikin ktp?",
    "sampahe ora diangkut wis seminggu",
    "lampu jalan di gang mawar mati udah 3 hari",
    "cek LPG-2026-000001",
    "halo min",
    "ada kebakaran di pasar!!",
    "oknum pegawai minta uang pelicin biar ktp cepet jadi",
    "syarat perpanjang sim apa aja ya",
    "ya",
]

_CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from pathlib import Path
from nlu.parser import NluParser
model_dir = Path(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1] else None
if model_dir is None:
    from core.settings import get_settings
    model_dir = get_settings().nlu_model_dir
parser = NluParser.load(model_dir)
load = time.perf_counter() - t0
messages, rounds = json.loads(sys.stdin.read())
parser.parse(messages[0])
rss_after_first = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
samples = []
for _ in range(rounds):
    for m in messages:
        s = time.perf_counter()
        parser.parse(m)
        samples.append((time.perf_counter() - s) * 1000)
print(json.dumps({"load_s": load, "samples": samples, "rss_mb": rss_after_first,
                  "model_dir": str(model_dir)}))
"""


def _percentile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def run_once(model_dir: Path | None = None) -> dict[str, float | str]:
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(model_dir or "")],
        input=json.dumps([MESSAGES, ROUNDS]),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    ordered = sorted(data["samples"])
    return {
        "load_s": data["load_s"],
        "p50_ms": statistics.median(ordered),
        "p99_ms": _percentile(ordered, 0.99),
        "rss_mb": data["rss_mb"],
        "model_dir": data["model_dir"],
    }


def measure(model_dir: Path | None = None, runs: int = RUNS) -> dict[str, float | str]:
    results = [run_once(model_dir) for _ in range(runs)]
    summary: dict[str, float | str] = {
        key: statistics.median(float(r[key]) for r in results)
        for key in ("load_s", "p50_ms", "p99_ms", "rss_mb")
    }
    path = Path(str(results[0]["model_dir"]))
    summary["size_mb"] = sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6
    summary["model_dir"] = str(path)
    meta_path = path / "nlu_meta.json"
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        for item in meta.get("config", {}).get("pipeline", []):
            if item.get("name") == "SpacyTextCat":
                summary["architecture"] = (
                    f"{item.get('architecture')} ngram {item.get('ngram_size')} "
                    f"bow_length {item.get('bow_length')}"
                )
    return summary


def nlu_benchmark_markdown(model_dir: Path | None = None) -> str:
    r = measure(model_dir)
    return "\n".join(
        [
            f"NLU model: `{r.get('architecture', '?')}`; median of {RUNS} fresh processes, "
            f"{ROUNDS} x {len(MESSAGES)} parses each.",
            "",
            "| NLU metric | value | target |",
            "|---|---:|---:|",
            f"| parse p50 | {float(r['p50_ms']):.3f} ms | <= 1 ms |",
            f"| parse p99 | {float(r['p99_ms']):.3f} ms | |",
            f"| model load (imports + NluParser.load) | {float(r['load_s']):.2f} s | <= 1.5 s |",
            f"| peak RSS after load + 1 parse | {float(r['rss_mb']):.0f} MB | <= 250 MB |",
            f"| model size on disk | {float(r['size_mb']):.1f} MB | |",
        ]
    )


if __name__ == "__main__":
    model = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    print(nlu_benchmark_markdown(model))
