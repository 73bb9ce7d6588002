"""Compare textcat architectures on the held-out set: `python -m bench.nlu_compare`.

Trains each variant into a temp dir (never touches config.yml or nlu/models),
evaluates on tests/data/nlu_test.yml and prints a markdown table: accuracy,
macro-F1, training time, parse latency p50. The training data may change
between runs; re-run to refresh docs/nlu.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent

# name -> overrides of the SpacyTextCat parameters in config.yml
# (config.yml's own values fill in the rest, so the table follows config.yml).
VARIANTS: dict[str, dict[str, Any]] = {
    "ensemble w64, ngram 2, 20 ep (old default)": {
        "architecture": "ensemble",
        "width": 64,
        "ngram_size": 2,
        "epochs": 20,
    },
    "ensemble w32, ngram 2, 20 ep": {
        "architecture": "ensemble",
        "width": 32,
        "ngram_size": 2,
        "epochs": 20,
    },
    "bow ngram 1, 20 ep": {"architecture": "bow", "ngram_size": 1, "epochs": 20},
    "bow ngram 1, 40 ep (kept)": {"architecture": "bow", "ngram_size": 1, "epochs": 40},
    "bow ngram 2, 20 ep": {"architecture": "bow", "ngram_size": 2, "epochs": 20},
    "bow ngram 3, 20 ep": {"architecture": "bow", "ngram_size": 3, "epochs": 20},
}
LATENCY_ROUNDS = 3


def variant_config(base: Path, overrides: dict[str, Any], out: Path) -> Path:
    raw = yaml.safe_load(base.read_text(encoding="utf-8"))
    for item in raw["pipeline"]:
        if "lexicon" in item:  # absolute, since the copy lives elsewhere
            item["lexicon"] = str((base.parent / item["lexicon"]).resolve())
        if item["name"] == "SpacyTextCat":
            item.update(overrides)
    out.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return out


def run_variant(name: str, overrides: dict[str, Any], workdir: Path) -> dict[str, Any]:
    from nlu.config import DEFAULT_CONFIG_PATH
    from nlu.evaluate import intent_report
    from nlu.parser import NluParser
    from nlu.train import train
    from nlu.training_data import DEFAULT_TEST_DATA, read_examples

    slug = "".join(c if c.isalnum() else "_" for c in name)[:40]
    config = variant_config(DEFAULT_CONFIG_PATH, overrides, workdir / f"{slug}.yml")
    result = train(config_path=config, out_dir=workdir / slug)
    parser = NluParser.load(result.out_dir)
    examples = read_examples(DEFAULT_TEST_DATA)
    report = intent_report(parser, examples)
    samples = []
    for _ in range(LATENCY_ROUNDS):
        for ex in examples:
            t0 = time.perf_counter()
            parser.parse(ex.text)
            samples.append((time.perf_counter() - t0) * 1000)
    size = sum(p.stat().st_size for p in result.out_dir.rglob("*") if p.is_file())
    return {
        "name": name,
        "accuracy": report["accuracy"],
        "macro_f1": report["macro_f1"],
        "train_s": result.seconds,
        "p50_ms": statistics.median(samples),
        "size_mb": size / 1e6,
    }


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| variant | accuracy | macro-F1 | train s | parse p50 ms | model MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['name']} | {r['accuracy']:.4f} | {r['macro_f1']:.4f} | {r['train_s']:.1f} "
            f"| {r['p50_ms']:.3f} | {r['size_mb']:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--only", nargs="*", help="substrings of variant names to run")
    ns = args.parse_args(argv)
    variants = {k: v for k, v in VARIANTS.items() if not ns.only or any(s in k for s in ns.only)}
    rows = []
    with tempfile.TemporaryDirectory(prefix="nlu_compare_") as tmp:
        for name, overrides in variants.items():
            rows.append(run_variant(name, overrides, Path(tmp)))
            print(f"done: {name}", file=sys.stderr, flush=True)
    print(markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
