"""Stored updates and events name their conversation, so several processors keep each
conversation in order and run different ones side by side (issue 13).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("whatsapp_event", "telegram_update")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("conversation_key", sa.String(length=64), nullable=True))
            batch_op.create_index(batch_op.f(f"ix_{table}_conversation_key"), ["conversation_key"])


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_conversation_key"))
            batch_op.drop_column("conversation_key")
