"""IKM survey answers (Permenpan RB 14/2017, issue 18).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | Sequence[str] | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ikm_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ikm_answer"),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("agency_code", sa.String(64), nullable=True),
        sa.Column("element", sa.String(4), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], ondelete="CASCADE",
                                name="fk_ikm_answer_ticket_id_ticket"),
        sa.UniqueConstraint("ticket_id", "element", name="uq_ikm_answer_ticket_id_element"),
    )
    op.create_index("ix_ikm_answer_ticket_id", "ikm_answer", ["ticket_id"])
    op.create_index("ix_ikm_answer_agency_code", "ikm_answer", ["agency_code"])
    op.create_index("ix_ikm_answer_answered_at", "ikm_answer", ["answered_at"])


def downgrade() -> None:
    op.drop_table("ikm_answer")
