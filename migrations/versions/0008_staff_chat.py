"""Telegram chats of region operators and agency staff (issue 6).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staff_chat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("region_code", sa.String(64), nullable=True),
        sa.Column("agency_code", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name="fk_staff_chat_region_code_region"
        ),
        sa.ForeignKeyConstraint(
            ["agency_code"], ["agency.code"], name="fk_staff_chat_agency_code_agency"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_staff_chat"),
        sa.UniqueConstraint("chat_id", name="uq_staff_chat_chat_id"),
    )


def downgrade() -> None:
    op.drop_table("staff_chat")
