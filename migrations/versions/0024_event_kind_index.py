"""An index on ticket events by (kind, created_at), so the leaders' dashboard counts
a period's rejections and re-routes by an index range instead of reading every
event of the period (issue 18).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0024"
down_revision: str | Sequence[str] | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_ticket_event_kind_created", "ticket_event", ["kind", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_ticket_event_kind_created", table_name="ticket_event")
