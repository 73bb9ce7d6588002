"""An index on the citizen of a support ("dukung"), so `status` and `cek` find the
tickets a citizen supports by an index look-up instead of reading every support;
and the citizen's own tickets by (citizen, sequence number), so "cek 123" is one
index look-up rather than a walk of the (year, seq) key (issue 15).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_ticket_supporter_citizen_id", "ticket_supporter", ["citizen_id"])
    # Its first column serves every look-up by citizen the old index did.
    op.create_index("ix_ticket_citizen_seq", "ticket", ["citizen_id", "seq"])
    op.drop_index("ix_ticket_citizen_id", table_name="ticket")


def downgrade() -> None:
    op.create_index("ix_ticket_citizen_id", "ticket", ["citizen_id"])
    op.drop_index("ix_ticket_citizen_seq", table_name="ticket")
    op.drop_index("ix_ticket_supporter_citizen_id", table_name="ticket_supporter")
