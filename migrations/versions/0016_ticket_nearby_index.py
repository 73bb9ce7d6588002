"""An index for the nearby-duplicate check: category, location source, status and
latitude, so the check reads one category's open pinned tickets in a latitude band
instead of every open ticket of the province (issue 15).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_ticket_nearby", "ticket", ["category", "location_source", "status", "latitude"]
    )


def downgrade() -> None:
    op.drop_index("ix_ticket_nearby", table_name="ticket")
