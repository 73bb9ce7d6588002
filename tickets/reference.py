"""Reference rows that tickets point to, kept in step with the data files.

Run after every migration (core.migrate.upgrade): the 15 kabupaten/kota from
knowledge/regions.yml are inserted or renamed; rows are never deleted, since
tickets may still refer to them.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from knowledge.regions import all_regions
from tickets.models import Region


def sync_regions(*, session: Session) -> None:
    for data in all_regions():
        row = session.get(Region, data.code)
        if row is None:
            session.add(Region(code=data.code, name=data.name, kind=data.kind))
        else:
            row.name, row.kind = data.name, data.kind
