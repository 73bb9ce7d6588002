"""`python -m bot ikm report --from DATE --to DATE [--json]`: the Indeks Kepuasan
Masyarakat per OPD for a period (tickets/ikm.py, Permenpan RB 14/2017)."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from bot.texts import TEXTS


def _cmd_report(args: argparse.Namespace) -> int:
    from core.db import transaction
    from core.timestamps import wib_days
    from knowledge.agencies import get_agency
    from tickets.ikm import elements, report

    start, end = wib_days(args.date_from, args.date_to)
    with transaction() as session:
        found = report(session=session, start=start, end=end)
    rows: list[dict[str, Any]] = []
    for item in found:
        agency = get_agency(item.agency or "")
        rows.append(
            {
                "agency": item.agency,
                "agency_name": agency.name if agency else None,
                "respondents": item.respondents,
                "service_users": item.service_users,
                "minimum_sample": item.minimum_sample,
                "enough_respondents": item.enough,
                "nrr": {code: round(value, 3) for code, value in item.nrr.items()},
                "ikm": round(item.ikm, 3) if item.ikm is not None else None,
                "ikm_25_100": round(item.score, 2) if item.score is not None else None,
                "grade": item.grade.grade if item.grade else None,
                "grade_label": item.grade.label if item.grade else None,
            }
        )
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    names = {e.code: e.name for e in elements()}
    for row in rows:
        head = row["agency_name"] or TEXTS.text("ikm", "no_agency")
        if row["ikm_25_100"] is None:
            print(TEXTS.text("ikm", "incomplete", instansi=head))
        else:
            print(
                TEXTS.text(
                    "ikm",
                    "line",
                    instansi=head,
                    nilai=f"{row['ikm_25_100']:.2f}",
                    mutu=row["grade"],
                    kinerja=row["grade_label"],
                )
            )
        enough = "" if row["enough_respondents"] else TEXTS.text("ikm", "not_enough")
        print(
            TEXTS.text(
                "ikm",
                "sample",
                responden=row["respondents"],
                minimal=row["minimum_sample"],
                pengguna=row["service_users"],
                catatan=enough,
            )
        )
        for code, value in row["nrr"].items():
            print(f"    {code} {names[code]:<42} {value:.2f}")
    if not rows:
        print(TEXTS.text("ikm", "none"))
    return 0


def register(sub: Any) -> None:
    group = sub.add_parser("ikm", help="Indeks Kepuasan Masyarakat per OPD")
    group_sub = group.add_subparsers(dest="ikm_command", required=True)
    report = group_sub.add_parser("report", help="IKM of a period")
    report.add_argument("--from", dest="date_from", type=date.fromisoformat, required=True)
    report.add_argument("--to", dest="date_to", type=date.fromisoformat, required=True)
    report.add_argument("--json", action="store_true")
    report.set_defaults(func=_cmd_report)
