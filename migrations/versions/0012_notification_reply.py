"""Conversation replies go through the outbox: a notification row may carry the
engine's whole reply instead of a response to render (issue 13).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Replies still queued are dropped with the column: they would render as nothing.
    op.execute("DELETE FROM notification WHERE reply IS NOT NULL AND status = 'pending'")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_column("reply")
