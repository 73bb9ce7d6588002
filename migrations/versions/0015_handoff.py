"""Handoff requests: a citizen asks for a person, staff answer (issue 14, finding 8).

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "handoff_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("user_key", sa.String(128), nullable=False),
        sa.Column("region_code", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizen.id"], name="fk_handoff_request_citizen_id_citizen"
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name="fk_handoff_request_region_code_region"
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["staff_user.id"],
            name="fk_handoff_request_answered_by_id_staff_user",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name="pk_handoff_request"),
    )
    op.create_index("ix_handoff_request_citizen_id", "handoff_request", ["citizen_id"])
    op.create_index("ix_handoff_request_region_code", "handoff_request", ["region_code"])
    op.create_index("ix_handoff_request_status", "handoff_request", ["status"])
    op.create_index(
        "ix_handoff_request_chat", "handoff_request", ["channel", "user_key", "status"]
    )
    op.create_table(
        "handoff_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(16), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["handoff_request.id"],
            name="fk_handoff_message_request_id_handoff_request", ondelete="CASCADE",
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_user.id"], name="fk_handoff_message_staff_id_staff_user"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_handoff_message"),
    )
    op.create_index("ix_handoff_message_request_id", "handoff_message", ["request_id"])


def downgrade() -> None:
    op.drop_index("ix_handoff_message_request_id", table_name="handoff_message")
    op.drop_table("handoff_message")
    for index in ("chat", "status", "region_code", "citizen_id"):
        op.drop_index(f"ix_handoff_request_{index}", table_name="handoff_request")
    op.drop_table("handoff_request")
