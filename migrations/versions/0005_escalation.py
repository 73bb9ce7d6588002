"""SLA escalations (issue 6).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "escalation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("region_code", sa.String(64), nullable=True),
        sa.Column("agency_code", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["ticket.id"], name="fk_escalation_ticket_id_ticket", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_escalation"),
        sa.UniqueConstraint(
            "ticket_id", "kind", "level", "due_at", name="uq_escalation_ticket_id_kind_level_due_at"
        ),
    )
    op.create_index("ix_escalation_ticket_id", "escalation", ["ticket_id"])
    op.create_index("ix_escalation_recorded_at", "escalation", ["recorded_at"])
    op.create_index("ix_escalation_region_code", "escalation", ["region_code"])
    op.create_index("ix_escalation_agency_code", "escalation", ["agency_code"])


def downgrade() -> None:
    op.drop_table("escalation")
