"""Initial schema: tickets, citizens, photos, ticket numbering and the conversation store.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

Self-contained on purpose (no app imports): later model changes must not alter what
this revision creates. Constraint names follow core.db.NAMING_CONVENTION.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "region",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_region"),
    )
    op.create_table(
        "agency",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("level", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_agency"),
    )
    op.create_table(
        "citizen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(255), nullable=True),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_citizen"),
    )
    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("user_key", sa.String(128), nullable=False),
        sa.Column("phone", sa.String(32), nullable=True),
        _timestamp("created_at"),
        sa.ForeignKeyConstraint(
            ["citizen_id"],
            ["citizen.id"],
            name="fk_contact_citizen_id_citizen",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_contact"),
        sa.UniqueConstraint("channel", "user_key", name="uq_contact_channel_user_key"),
    )
    op.create_index("ix_contact_citizen_id", "contact", ["citizen_id"])

    op.create_table(
        "ticket_sequence",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name="pk_ticket_sequence"),
    )
    op.create_table(
        "ticket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("region_code", sa.String(64), nullable=True),
        sa.Column("agency_code", sa.String(64), nullable=True),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name="fk_ticket_region_code_region"
        ),
        sa.ForeignKeyConstraint(
            ["agency_code"], ["agency.code"], name="fk_ticket_agency_code_agency"
        ),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizen.id"], name="fk_ticket_citizen_id_citizen"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_ticket"),
        sa.UniqueConstraint("number", name="uq_ticket_number"),
        sa.UniqueConstraint("year", "seq", name="uq_ticket_year_seq"),
    )
    op.create_index("ix_ticket_status", "ticket", ["status"])
    op.create_index("ix_ticket_region_code", "ticket", ["region_code"])
    op.create_index("ix_ticket_agency_code", "ticket", ["agency_code"])
    op.create_index("ix_ticket_citizen_id", "ticket", ["citizen_id"])
    op.create_index("ix_ticket_created_at", "ticket", ["created_at"])

    op.create_table(
        "ticket_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("from_status", sa.String(32), nullable=True),
        sa.Column("to_status", sa.String(32), nullable=True),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        _timestamp("created_at"),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name="fk_ticket_event_ticket_id_ticket",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_ticket_event"),
    )
    op.create_index("ix_ticket_event_ticket_id", "ticket_event", ["ticket_id"])

    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("mime_type", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("storage_path", sa.String(255), nullable=False),
        sa.Column("original_name", sa.String(255), nullable=True),
        _timestamp("created_at"),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name="fk_attachment_ticket_id_ticket",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_attachment"),
    )
    op.create_index("ix_attachment_ticket_id", "attachment", ["ticket_id"])
    op.create_index("ix_attachment_sha256", "attachment", ["sha256"])

    op.create_table(
        "conversation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("user_key", sa.String(128), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_conversation"),
        sa.UniqueConstraint(
            "channel", "user_key", name="uq_conversation_channel_user_key"
        ),
    )
    op.create_table(
        "processed_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("update_id", sa.String(128), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        _timestamp("created_at"),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name="fk_processed_update_conversation_id_conversation",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_processed_update"),
        sa.UniqueConstraint(
            "channel", "update_id", name="uq_processed_update_channel_update_id"
        ),
    )
    op.create_index(
        "ix_processed_update_conversation_id", "processed_update", ["conversation_id"]
    )
    op.create_table(
        "message_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("update_id", sa.String(128), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        _timestamp("created_at"),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name="fk_message_log_conversation_id_conversation",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_message_log"),
    )
    op.create_index(
        "ix_message_log_conversation_id", "message_log", ["conversation_id"]
    )


def downgrade() -> None:
    # Children before parents; dropping a table drops its indexes on every backend.
    for table in (
        "message_log",
        "processed_update",
        "conversation",
        "attachment",
        "ticket_event",
        "ticket",
        "ticket_sequence",
        "contact",
        "citizen",
        "agency",
        "region",
    ):
        op.drop_table(table)
