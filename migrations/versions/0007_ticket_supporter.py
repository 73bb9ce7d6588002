"""Citizens who support an existing ticket instead of filing a duplicate (issue 6).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ticket_supporter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["ticket.id"], name="fk_ticket_supporter_ticket_id_ticket",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizen.id"], name="fk_ticket_supporter_citizen_id_citizen",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_ticket_supporter"),
        sa.UniqueConstraint(
            "ticket_id", "citizen_id", name="uq_ticket_supporter_ticket_id_citizen_id"
        ),
    )
    op.create_index("ix_ticket_supporter_ticket_id", "ticket_supporter", ["ticket_id"])


def downgrade() -> None:
    op.drop_table("ticket_supporter")
