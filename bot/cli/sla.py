"""Service levels on the command line: `python -m bot sla sweep | report`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.cli.output import parse_when, print_json
from bot.texts import TEXTS
from core.timestamps import format_wib, utcnow


def _cmd_sla_sweep(args: argparse.Namespace) -> int:
    from core.db import transaction
    from tickets.escalation import sweep_and_digest

    now = parse_when(args.now) or utcnow()
    with transaction() as session:
        result, digests = sweep_and_digest(session=session, now=now)
    if args.json:
        print_json({"now": now.isoformat(), "recorded": result.recorded,
                     "notified": result.notified, "digests": digests})  # fmt: skip
        return 0
    print(TEXTS.text("sla", "swept", pelanggaran=len(result.recorded), pesan=result.notified,
                     ringkasan=digests))  # fmt: skip
    for number, kind, level in result.recorded:
        print(f"  {number}  {kind:<7} level {level}")
    return 0


def _cmd_sla_report(args: argparse.Namespace) -> int:
    from core.db import transaction
    from tickets.escalation import report

    start, end = parse_when(args.start), parse_when(args.end)
    if start is None or end is None or end <= start:
        print(TEXTS.text("sla", "period_required"), file=sys.stderr)
        return 1
    with transaction() as session:
        data = report(session=session, start=start, end=end)
    if args.json:
        print_json(data)
        return 0
    print(TEXTS.text("sla", "period", dari=format_wib(start), sampai=format_wib(end),
                     laporan=data["tickets_filed"]))  # fmt: skip
    print(TEXTS.text("sla", "late_forward", jumlah=data["forward_breaches"]))
    for region, count in data["by_region_operators"].items():
        who = ", ".join(data["operators"].get(region) or []) or "-"
        print(f"  {region:<24} {count:>4}  ({who})")
    print(TEXTS.text("sla", "late_act", jumlah=data["act_breaches"]))
    for agency, count in data["by_agency"].items():
        print(f"  {agency:<40} {count}")
    return 0


def register(sub: Any) -> None:
    sla = sub.add_parser("sla", help="service levels: sweep for breaches, report")
    sla_sub = sla.add_subparsers(dest="sla_command", required=True)
    sweep = sla_sub.add_parser("sweep", help="record missed deadlines and notify supervisors")
    sweep.add_argument("--now", help="ISO time to sweep at (default: now; naive = WIB)")
    sweep.add_argument("--json", action="store_true")
    sweep.set_defaults(func=_cmd_sla_sweep)
    report = sla_sub.add_parser("report", help="breaches per region's operators and per agency")
    report.add_argument("--from", dest="start", required=True, help="ISO date/time (WIB)")
    report.add_argument("--to", dest="end", required=True, help="ISO date/time (WIB)")
    report.add_argument("--json", action="store_true")
    report.set_defaults(func=_cmd_sla_report)
