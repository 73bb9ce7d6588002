"""`python -m bot lapor export --from DATE --to DATE [--out FILE]`: the tickets an
operator referred to SP4N-LAPOR! (the workflow action refer_lapor), as CSV for the
national system's administrators (columns: docs/operations.md, "SP4N-LAPOR!").
"""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import date, datetime
from typing import Any, TextIO

from bot.texts import TEXTS

COLUMNS = (
    "nomor_laporin",
    "nomor_lapor",
    "dirujuk_pada",
    "masuk_pada",
    "kategori",
    "wilayah",
    "uraian",
    "lokasi_lat",
    "lokasi_long",
    "rahasia",
)


def _day(value: str) -> date:
    return date.fromisoformat(value)


def rows(*, start: datetime, end: datetime) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from core.db import transaction
    from core.timestamps import WIB
    from knowledge.categories import get_category
    from knowledge.regions import get_region
    from nlu.entities.pii import mask_pii
    from tickets.models import Ticket

    query = (
        select(Ticket)
        .where(
            Ticket.lapor_tracking_id.is_not(None),
            Ticket.forwarded_at >= start,
            Ticket.forwarded_at < end,
        )
        .order_by(Ticket.forwarded_at)
    )
    found = []
    with transaction() as session:
        for t in session.scalars(query):
            category, region = get_category(t.category), get_region(t.region_code or "")
            found.append(
                {
                    "nomor_laporin": t.number,
                    "nomor_lapor": t.lapor_tracking_id,
                    "dirujuk_pada": t.forwarded_at.astimezone(WIB).isoformat(timespec="seconds")
                    if t.forwarded_at
                    else "",
                    "masuk_pada": t.created_at.astimezone(WIB).isoformat(timespec="seconds"),
                    "kategori": category.label if category else t.category,
                    "wilayah": region.name if region else "",
                    # A confidential report leaves without its words: LAPOR! has them.
                    "uraian": "" if t.confidential else mask_pii(t.description),
                    "lokasi_lat": "" if t.confidential else f"{t.latitude:.5f}",
                    "lokasi_long": "" if t.confidential else f"{t.longitude:.5f}",
                    "rahasia": "ya" if t.confidential else "tidak",
                }
            )
    return found


def write_csv(found: list[dict[str, Any]], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(found)


def _cmd_export(args: argparse.Namespace) -> int:
    from core.timestamps import wib_days

    start, end = wib_days(args.date_from, args.date_to)
    found = rows(start=start, end=end)
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as handle:
            write_csv(found, handle)
        print(TEXTS.text("lapor", "written", jumlah=len(found), berkas=args.out), file=sys.stderr)
    else:
        write_csv(found, sys.stdout)
    return 0


def register(sub: Any) -> None:
    group = sub.add_parser("lapor", help="tickets referred to SP4N-LAPOR!")
    group_sub = group.add_subparsers(dest="lapor_command", required=True)
    export = group_sub.add_parser("export", help="the referrals of a period, as CSV")
    export.add_argument(
        "--from", dest="date_from", type=_day, required=True, help="YYYY-MM-DD (WIB)"
    )
    export.add_argument(
        "--to", dest="date_to", type=_day, required=True, help="YYYY-MM-DD, inclusive"
    )
    export.add_argument("--out", help="a file (default: standard output)")
    export.set_defaults(func=_cmd_export)
