"""WhatsApp channel: raw webhook events, sent messages and their statuses, and the
24-hour customer-service window per user (issue 7).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "whatsapp_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=255), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_whatsapp_event")),
        sa.UniqueConstraint("body_sha256", name=op.f("uq_whatsapp_event_body_sha256")),
    )
    with op.batch_alter_table("whatsapp_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_whatsapp_event_status"), ["status"], unique=False)

    op.create_table(
        "whatsapp_window",
        sa.Column("wa_id", sa.String(length=32), nullable=False),
        sa.Column("last_inbound_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("wa_id", name=op.f("pk_whatsapp_window")),
    )
    op.create_table(
        "whatsapp_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wamid", sa.String(length=128), nullable=False),
        sa.Column("wa_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("error_title", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notification.id"],
            name=op.f("fk_whatsapp_message_notification_id_notification"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_whatsapp_message")),
        sa.UniqueConstraint("wamid", name=op.f("uq_whatsapp_message_wamid")),
    )
    with op.batch_alter_table("whatsapp_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_whatsapp_message_notification_id"), ["notification_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_whatsapp_message_wa_id"), ["wa_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("whatsapp_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_whatsapp_message_wa_id"))
        batch_op.drop_index(batch_op.f("ix_whatsapp_message_notification_id"))

    op.drop_table("whatsapp_message")
    op.drop_table("whatsapp_window")
    with op.batch_alter_table("whatsapp_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_whatsapp_event_status"))

    op.drop_table("whatsapp_event")
