"""Indexes for staff lists with keyset pagination (tickets/queue.py): a region's or
an agency's tickets of a status, and all tickets of a status, newest first on
(created_at, id), so a page is an index range without sorting the whole region
(issue 15). They replace the single-column indexes on status, region_code and
agency_code, which are their first columns.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUEUE_INDEXES = {
    "ix_ticket_region_queue": ["region_code", "status", "created_at", "id"],
    "ix_ticket_agency_queue": ["agency_code", "status", "created_at", "id"],
    "ix_ticket_status_created": ["status", "created_at", "id"],
}
REPLACED = {
    "ix_ticket_status": ["status"],
    "ix_ticket_region_code": ["region_code"],
    "ix_ticket_agency_code": ["agency_code"],
}


def upgrade() -> None:
    for name, columns in QUEUE_INDEXES.items():
        op.create_index(name, "ticket", columns)
    for name in REPLACED:
        op.drop_index(name, table_name="ticket")


def downgrade() -> None:
    for name, columns in REPLACED.items():
        op.create_index(name, "ticket", columns)
    for name in QUEUE_INDEXES:
        op.drop_index(name, table_name="ticket")
