"""A ticket records how its location was obtained: a pin, or typed by a citizen who
could not share one (a place name, an address) with approximate coordinates (issue 14).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        # Every ticket so far came with a pin.
        batch_op.add_column(
            sa.Column("location_source", sa.String(length=16), nullable=False,
                      server_default="pin")  # fmt: skip
        )
        batch_op.add_column(sa.Column("address_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("place_name", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_column("place_name")
        batch_op.drop_column("address_text")
        batch_op.drop_column("location_source")
