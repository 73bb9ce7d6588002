"""Reference rows that tickets point to, kept in step with the data files.

Run after every migration (`upgrade` below, what `python -m bot migrate` runs):
the 15 kabupaten/kota from knowledge/regions.yml and the agencies from
knowledge/agencies.yml are inserted or renamed; rows are never deleted, since
tickets may still refer to them. The workspace's default response templates
(tickets/response_templates.yml) go into an empty table once; admins edit them after.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.db import transaction
from core.migrate import upgrade_schema
from knowledge.agencies import all_agencies
from knowledge.regions import all_regions
from tickets.models import Agency, Region
from tickets.response_templates import seed_defaults


def sync_regions(*, session: Session) -> None:
    for data in all_regions():
        row = session.get(Region, data.code)
        if row is None:
            session.add(Region(code=data.code, name=data.name, kind=data.kind))
        else:
            row.name, row.kind = data.name, data.kind


def sync_agencies(*, session: Session) -> None:
    for data in all_agencies():
        row = session.get(Agency, data.code)
        if row is None:
            session.add(Agency(code=data.code, name=data.name, level=data.level))
        else:
            row.name, row.level = data.name, data.level


def upgrade(url: str | None = None) -> None:
    """Bring the database at `url` (default: settings.database_url) to the latest
    schema, then its reference rows (regions, agencies) in step with the data files
    and the default response templates, the first time."""
    upgrade_schema(url)
    with transaction(url) as session:
        sync_regions(session=session)
        sync_agencies(session=session)
        seed_defaults(session=session)
