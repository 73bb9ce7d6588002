"""The sanctions list: every missed deadline of a period with who was responsible,
as the SLA report counts them (level 1 breaches, tickets/sweep.py). The Governor:
"Dalam 24 jam tidak diteruskan laporannya, operatornya kena punishment. Dalam 3x24
jam OPD-nya tidak melanjutkan, OPD-nya pun kena sanksi."

A forwarding breach is the region's operator team's (its active operators and
coordinators named), an action breach the agency's in that region. Confidential
reports count like the others; the list never names a reporter.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.timestamps import WIB
from knowledge.agencies import get_agency
from knowledge.categories import get_category
from knowledge.regions import get_region
from tickets.enums import BreachKind
from tickets.escalation import operator_names
from tickets.models import Escalation, Ticket
from tickets.texts import TEXTS

SECTION = "sanctions"
MAX_ROWS = 10_000


@dataclass(frozen=True)
class Breach:
    number: str
    category: str
    kind: str  # BreachKind
    region: str
    agency: str | None
    responsible: str
    people: tuple[str, ...]
    due_at: datetime
    recorded_at: datetime

    @property
    def hours_late(self) -> int:
        return max(0, int((self.recorded_at - self.due_at).total_seconds() // 3600))


def breaches(
    *, session: Session, start: datetime, end: datetime, region: str | None = None
) -> list[Breach]:
    """The level-1 breaches recorded in [start, end), oldest first; `region`: one
    kabupaten/kota only (a coordinator's view)."""
    query = (
        select(Escalation, Ticket.number, Ticket.category)
        .join(Ticket, Ticket.id == Escalation.ticket_id)
        .where(Escalation.level == 1, Escalation.recorded_at >= start, Escalation.recorded_at < end)
        .order_by(Escalation.recorded_at, Escalation.id)
        .limit(MAX_ROWS)
    )
    if region is not None:
        query = query.where(Escalation.region_code == region)
    rows = session.execute(query).all()
    teams = operator_names(session, sorted({e.region_code for e, _, _ in rows if e.region_code}))
    found = []
    for escalation, number, category in rows:
        region_obj = get_region(escalation.region_code or "")
        region_name = region_obj.name if region_obj else "-"
        agency = get_agency(escalation.agency_code or "")
        if escalation.kind == BreachKind.FORWARD:
            responsible = TEXTS.text(SECTION, "operators", wilayah=region_name)
            people = tuple(teams.get(escalation.region_code or "", ()))
        else:
            responsible = agency.name if agency else TEXTS.text(SECTION, "agency_unknown")
            people = ()
        label = get_category(category)
        found.append(
            Breach(
                number,
                label.label if label else category,
                escalation.kind,
                region_name,
                agency.name if agency else None,
                responsible,
                people,
                escalation.due_at,
                escalation.recorded_at,
            )
        )
    return found


HEADERS = (
    "nomor",
    "kategori",
    "pelanggaran",
    "wilayah",
    "instansi",
    "penanggung_jawab",
    "petugas",
    "batas_waktu",
    "tercatat",
    "terlambat_jam",
)


def _cells(breach: Breach) -> list[str | int]:
    return [
        breach.number,
        breach.category,
        TEXTS.text(SECTION, f"kind_{breach.kind}"),
        breach.region,
        breach.agency or "",
        breach.responsible,
        ", ".join(breach.people),
        breach.due_at.astimezone(WIB).isoformat(timespec="minutes"),
        breach.recorded_at.astimezone(WIB).isoformat(timespec="minutes"),
        breach.hours_late,
    ]


def as_csv(found: Sequence[Breach]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(_cells(b) for b in found)
    return out.getvalue()


def as_xlsx(found: Sequence[Breach], *, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = TEXTS.text(SECTION, "sheet")
    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    sheet.append(list(HEADERS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for breach in found:
        sheet.append(_cells(breach))
    for column, width in zip("ABCDEFGHIJ", (18, 28, 22, 26, 40, 40, 40, 18, 18, 12), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
