"""When each ticket's next SLA escalation falls due (ticket.escalation_due_at, indexed),
so the sweep reads only the tickets newly due instead of every overdue ticket on
every round; escalations indexed by (level, recorded_at) for the digest and the
report (issue 15).

The backfill is set-based: an open ticket whose awaited deadline has no level-2
breach yet gets the deadline itself (its level 1; the first sweep records what is
missing, once, and moves the column on), every other ticket NULL.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The deadline each open status awaits, and the breach kind it makes.
AWAITED = (("forward", ("new",), "forward_due_at"),
           ("act", ("forwarded", "in_progress"), "act_due_at"))  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("ticket") as batch:
        batch.add_column(sa.Column("escalation_due_at", sa.DateTime(timezone=True)))
        batch.create_index("ix_ticket_escalation_due_at", ["escalation_due_at"])
    op.drop_index("ix_escalation_recorded_at", table_name="escalation")
    op.create_index("ix_escalation_level_recorded_at", "escalation", ["level", "recorded_at"])

    ticket = sa.table(
        "ticket",
        sa.column("id", sa.Integer()),
        sa.column("status", sa.String()),
        sa.column("forward_due_at", sa.DateTime(timezone=True)),
        sa.column("act_due_at", sa.DateTime(timezone=True)),
        sa.column("escalation_due_at", sa.DateTime(timezone=True)),
    )
    escalation = sa.table(
        "escalation",
        sa.column("ticket_id", sa.Integer()),
        sa.column("kind", sa.String()),
        sa.column("level", sa.Integer()),
        sa.column("due_at", sa.DateTime(timezone=True)),
    )
    for kind, statuses, deadline in AWAITED:
        due = ticket.c[deadline]
        leaders_told = (
            sa.select(sa.literal(1))
            .where(escalation.c.ticket_id == ticket.c.id, escalation.c.kind == kind,
                   escalation.c.level == 2, escalation.c.due_at == due)  # fmt: skip
            .exists()
        )
        op.execute(
            ticket.update()
            .where(ticket.c.status.in_(statuses), due.is_not(None), ~leaders_told)
            .values(escalation_due_at=due)
        )


def downgrade() -> None:
    op.drop_index("ix_escalation_level_recorded_at", table_name="escalation")
    op.create_index("ix_escalation_recorded_at", "escalation", ["recorded_at"])
    with op.batch_alter_table("ticket") as batch:
        batch.drop_index("ix_ticket_escalation_due_at")
        batch.drop_column("escalation_due_at")
