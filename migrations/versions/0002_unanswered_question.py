"""Questions the bot could not answer (knowledge base, issue 4).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "unanswered_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("user_key", sa.String(128), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("best_topic", sa.String(64), nullable=True),
        sa.Column("best_score", sa.Float(), nullable=True),
        sa.Column("forward_requested", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_unanswered_question"),
    )
    op.create_index(
        "ix_unanswered_question_created_at", "unanswered_question", ["created_at"]
    )
    op.create_index("ix_unanswered_question_status", "unanswered_question", ["status"])


def downgrade() -> None:
    op.drop_index("ix_unanswered_question_status", table_name="unanswered_question")
    op.drop_index("ix_unanswered_question_created_at", table_name="unanswered_question")
    op.drop_table("unanswered_question")
