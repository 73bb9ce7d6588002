"""CLI: python -m nlu train [--if-needed] [--out DIR] | parse "teks" | evaluate [--data F]
| test --data FILE.yml [--out report.json] [--model DIR] | emergency [--data F] [--json]."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from nlu.config import DEFAULT_CONFIG_PATH
from nlu.emergency_eval import DEFAULT_EMERGENCY_SET
from nlu.training_data import DEFAULT_DATA_DIR, DEFAULT_TEST_DATA


def _print(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _model_dir(arg: Path | None) -> Path:
    if arg is not None:
        return arg
    from core.settings import get_settings

    return get_settings().nlu_model_dir


def _cmd_train(args: argparse.Namespace) -> int:
    from nlu.train import train

    result = train(
        config_path=args.config, data_dir=args.data, out_dir=args.out, if_needed=args.if_needed
    )
    _print(
        {
            "trained": result.trained,
            "out_dir": str(result.out_dir),
            "fingerprint": result.fingerprint,
            "seconds": round(result.seconds, 2),
            "examples": result.examples,
            "labels": result.labels,
        }
    )
    return 0


def _cmd_parse(args: argparse.Namespace) -> int:
    from nlu.parser import NluParser

    _print(NluParser.load(_model_dir(args.model)).parse(args.text))
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from nlu.config import load_config
    from nlu.evaluate import evaluate
    from nlu.parser import NluParser
    from nlu.training_data import read_examples

    rule = load_config(args.config).fallback
    report = evaluate(NluParser.load(_model_dir(args.model)), read_examples(args.data), rule)
    _print(report)
    return 0


def _cmd_test(args: argparse.Namespace) -> int:
    """`rasa test nlu` for any Rasa 3 NLU file: summary + full JSON report."""
    from nlu.evaluate import intent_report, summary
    from nlu.parser import NluParser
    from nlu.training_data import read_examples

    examples = read_examples(args.data)
    if not examples:
        print(f"error: no intent examples in {args.data}", file=sys.stderr)
        return 1
    model_dir = _model_dir(args.model)
    report = {"data": str(args.data), "model": str(model_dir)} | intent_report(
        NluParser.load(model_dir), examples
    )
    if args.out is None:
        # stdout stays machine-readable JSON; the summary goes to stderr.
        print(summary(report), file=sys.stderr)
        _print(report)
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(
            json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        print(summary(report))
        print(f"report written to {args.out}")
    return 0


def _cmd_emergency(args: argparse.Namespace) -> int:
    """Recall/precision of "emergency now" on a labelled set, through the full parse."""
    from nlu.emergency_eval import evaluate_emergency, read_emergency_set, summary
    from nlu.parser import NluParser

    positives, negatives = read_emergency_set(args.data)
    report = evaluate_emergency(NluParser.load(_model_dir(args.model)).parse, positives, negatives)
    if args.json:
        _print(report)
    else:
        print(summary(report))
    return 0


def build_arg_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m nlu", description="Laporin NLU")
    sub = parser.add_subparsers(dest="command", required=True)

    train = sub.add_parser("train", help="train the intent model")
    train.add_argument("--if-needed", action="store_true", help="skip when nothing changed")
    train.add_argument("--out", type=Path, default=None, help="model dir (default: settings)")
    train.add_argument("--config", type=Path, default=DEFAULT_CONFIG_PATH)
    train.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="dir of *.yml")
    train.set_defaults(func=_cmd_train)

    parse = sub.add_parser("parse", help="parse one message, print JSON")
    parse.add_argument("text")
    parse.add_argument("--model", type=Path, default=None)
    parse.set_defaults(func=_cmd_parse)

    evaluate = sub.add_parser("evaluate", help="accuracy + per-intent F1 on held-out data")
    evaluate.add_argument("--data", type=Path, default=DEFAULT_TEST_DATA)
    evaluate.add_argument("--model", type=Path, default=None)
    evaluate.add_argument(
        "--config", type=Path, default=DEFAULT_CONFIG_PATH, help="for the fallback threshold"
    )
    evaluate.set_defaults(func=_cmd_evaluate)

    test = sub.add_parser(
        "test", help="like `rasa test nlu`: P/R/F1, confusions and errors for a Rasa NLU file"
    )
    test.add_argument("--data", type=Path, default=DEFAULT_TEST_DATA, help="Rasa NLU .yml or dir")
    test.add_argument("--out", type=Path, default=None, help="JSON report (default: stdout)")
    test.add_argument("--model", type=Path, default=None)
    test.set_defaults(func=_cmd_test)

    emergency = sub.add_parser(
        "emergency", help="recall/precision of 'emergency now' on a labelled set, confusions"
    )
    emergency.add_argument("--data", type=Path, default=DEFAULT_EMERGENCY_SET)
    emergency.add_argument("--model", type=Path, default=None)
    emergency.add_argument("--json", action="store_true", help="print the report as JSON")
    emergency.set_defaults(func=_cmd_emergency)
    return parser


def main(argv: list[str] | None = None) -> int:
    # Our progress lines only (spaCy configures its own logger); JSON goes to stdout.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.getLogger("nlu").addHandler(handler)
    logging.getLogger("nlu").setLevel(logging.INFO)
    args = build_arg_parser().parse_args(argv)
    from nlu.parser import NluModelMissing

    try:
        return int(args.func(args))
    except NluModelMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
