"""Routing, service-level deadlines and staff users (operator workflow, issue 6).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=True)


def upgrade() -> None:
    with op.batch_alter_table("ticket") as batch:
        batch.add_column(sa.Column("suggested_agency_code", sa.String(64), nullable=True))
        batch.add_column(_when("forward_due_at"))
        batch.add_column(_when("forwarded_at"))
        batch.add_column(_when("act_due_at"))
        batch.add_column(_when("resolved_at"))
        batch.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_ticket_suggested_agency_code_agency", "agency", ["suggested_agency_code"], ["code"]
        )
        batch.create_foreign_key(
            "fk_ticket_merged_into_id_ticket", "ticket", ["merged_into_id"], ["id"]
        )
        batch.create_index("ix_ticket_forward_due_at", ["forward_due_at"])
        batch.create_index("ix_ticket_act_due_at", ["act_due_at"])
    op.create_table(
        "staff_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("region_code", sa.String(64), nullable=True),
        sa.Column("agency_code", sa.String(64), nullable=True),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name="fk_staff_user_region_code_region"
        ),
        sa.ForeignKeyConstraint(
            ["agency_code"], ["agency.code"], name="fk_staff_user_agency_code_agency"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_staff_user"),
        sa.UniqueConstraint("telegram_user_id", name="uq_staff_user_telegram_user_id"),
    )


def downgrade() -> None:
    op.drop_table("staff_user")
    with op.batch_alter_table("ticket") as batch:
        batch.drop_index("ix_ticket_act_due_at")
        batch.drop_index("ix_ticket_forward_due_at")
        batch.drop_constraint("fk_ticket_merged_into_id_ticket", type_="foreignkey")
        batch.drop_constraint("fk_ticket_suggested_agency_code_agency", type_="foreignkey")
        batch.drop_column("merged_into_id")
        batch.drop_column("resolved_at")
        batch.drop_column("act_due_at")
        batch.drop_column("forwarded_at")
        batch.drop_column("forward_due_at")
        batch.drop_column("suggested_agency_code")
