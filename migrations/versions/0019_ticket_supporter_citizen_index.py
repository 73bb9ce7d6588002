"""An index on ticket_supporter.citizen_id: `status` and `cek` find the tickets a
citizen supports by it (tickets/following.py); the unique key (ticket_id,
citizen_id) cannot serve that, so every message read the whole table (issue 15).

Revision ID: 0019
Revises: 0016
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_ticket_supporter_citizen_id", "ticket_supporter", ["citizen_id"])


def downgrade() -> None:
    op.drop_index("ix_ticket_supporter_citizen_id", table_name="ticket_supporter")
