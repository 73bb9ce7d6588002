"""Staff reached per contact on any channel; staff chats keyed by channel and chat;
what staff alerts carry beside the text in columns of their own (issue 12).

Existing rows move: staff_user.telegram_user_id becomes a staff_contact on the
telegram channel, staff_chat.chat_id a telegram chat key, and the "_lampiran"
variable of queued notifications the buttons/attachment/venue columns.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The only channel staff had before this revision.
LEGACY_CHANNEL = "telegram"
LEGACY_EXTRAS = "_lampiran"
VENUE = ("latitude", "longitude", "title", "address")

_notification = sa.table(
    "notification",
    sa.column("id", sa.Integer()),
    sa.column("variables", sa.JSON()),
    sa.column("buttons", sa.JSON()),
    sa.column("attachment_path", sa.String()),
    sa.column("venue_latitude", sa.Float()),
    sa.column("venue_longitude", sa.Float()),
    sa.column("venue_title", sa.String()),
    sa.column("venue_address", sa.String()),
)


def _staff_contacts_up() -> None:
    op.create_table(
        "staff_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("user_key", sa.String(128), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_user.id"], name="fk_staff_contact_staff_id_staff_user",
            ondelete="CASCADE",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name="pk_staff_contact"),
        sa.UniqueConstraint("channel", "user_key", name="uq_staff_contact_channel_user_key"),
    )
    op.create_index("ix_staff_contact_staff_id", "staff_contact", ["staff_id"])
    op.execute(
        sa.text(
            "INSERT INTO staff_contact (staff_id, channel, user_key) "
            "SELECT id, :channel, CAST(telegram_user_id AS VARCHAR(128)) FROM staff_user "
            "WHERE telegram_user_id IS NOT NULL ORDER BY id"
        ).bindparams(channel=LEGACY_CHANNEL)
    )
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_constraint("uq_staff_user_telegram_user_id", type_="unique")
        batch.drop_column("telegram_user_id")


def _staff_contacts_down() -> None:
    with op.batch_alter_table("staff_user") as batch:
        batch.add_column(sa.Column("telegram_user_id", sa.BigInteger(), nullable=True))
        batch.create_unique_constraint("uq_staff_user_telegram_user_id", ["telegram_user_id"])
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT staff_id, user_key FROM staff_contact WHERE channel = :c ORDER BY id"),
        {"c": LEGACY_CHANNEL},
    ).all()
    seen: set[int] = set()
    for staff_id, user_key in rows:  # one id per staff member fits the old column
        if staff_id in seen or not user_key.lstrip("-").isdigit():
            continue
        seen.add(staff_id)
        bind.execute(
            sa.text("UPDATE staff_user SET telegram_user_id = :key WHERE id = :id"),
            {"key": int(user_key), "id": staff_id},
        )
    op.drop_index("ix_staff_contact_staff_id", table_name="staff_contact")
    op.drop_table("staff_contact")


def _staff_chats_up() -> None:
    with op.batch_alter_table("staff_chat") as batch:
        batch.add_column(sa.Column("channel", sa.String(32), nullable=True))
        batch.add_column(sa.Column("chat_key", sa.String(128), nullable=True))
    op.execute(
        sa.text(
            "UPDATE staff_chat SET channel = :channel, chat_key = CAST(chat_id AS VARCHAR(128))"
        ).bindparams(channel=LEGACY_CHANNEL)
    )
    with op.batch_alter_table("staff_chat") as batch:
        batch.alter_column("channel", existing_type=sa.String(32), nullable=False)
        batch.alter_column("chat_key", existing_type=sa.String(128), nullable=False)
        batch.drop_constraint("uq_staff_chat_chat_id", type_="unique")
        batch.drop_column("chat_id")
        batch.create_unique_constraint("uq_staff_chat_channel_chat_key", ["channel", "chat_key"])


def _staff_chats_down() -> None:
    with op.batch_alter_table("staff_chat") as batch:
        batch.add_column(sa.Column("chat_id", sa.BigInteger(), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, channel, chat_key FROM staff_chat")).all()
    for row_id, channel, chat_key in rows:
        if channel == LEGACY_CHANNEL and chat_key.lstrip("-").isdigit():
            bind.execute(
                sa.text("UPDATE staff_chat SET chat_id = :key WHERE id = :id"),
                {"key": int(chat_key), "id": row_id},
            )
        else:  # the old schema cannot hold a chat on another channel
            bind.execute(sa.text("DELETE FROM staff_chat WHERE id = :id"), {"id": row_id})
    with op.batch_alter_table("staff_chat") as batch:
        batch.drop_constraint("uq_staff_chat_channel_chat_key", type_="unique")
        batch.drop_column("chat_key")
        batch.drop_column("channel")
        batch.alter_column("chat_id", existing_type=sa.BigInteger(), nullable=False)
        batch.create_unique_constraint("uq_staff_chat_chat_id", ["chat_id"])


def _extras_up() -> None:
    with op.batch_alter_table("notification") as batch:
        batch.add_column(sa.Column("buttons", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("attachment_path", sa.String(255), nullable=True))
        batch.add_column(sa.Column("venue_latitude", sa.Float(), nullable=True))
        batch.add_column(sa.Column("venue_longitude", sa.Float(), nullable=True))
        batch.add_column(sa.Column("venue_title", sa.String(255), nullable=True))
        batch.add_column(sa.Column("venue_address", sa.String(255), nullable=True))
    bind = op.get_bind()
    for row_id, variables in bind.execute(sa.select(_notification.c.id, _notification.c.variables)):
        if not isinstance(variables, dict) or LEGACY_EXTRAS not in variables:
            continue
        text_only = dict(variables)
        extras: dict[str, Any] = text_only.pop(LEGACY_EXTRAS) or {}
        venue = extras.get("venue") or {}
        values: dict[str, Any] = {
            "variables": text_only,
            "buttons": extras.get("buttons") or None,
            "attachment_path": extras.get("photo"),
            **{f"venue_{name}": venue.get(name) for name in VENUE},
        }
        bind.execute(sa.update(_notification).where(_notification.c.id == row_id).values(values))


def _extras_down() -> None:
    bind = op.get_bind()
    columns = [_notification.c[f"venue_{name}"] for name in VENUE]
    query = sa.select(
        _notification.c.id, _notification.c.variables, _notification.c.buttons,
        _notification.c.attachment_path, *columns,
    )  # fmt: skip
    for row_id, variables, buttons, photo, *venue in bind.execute(query):
        if buttons is None and photo is None and venue[0] is None:
            continue
        extras = {
            "buttons": buttons or [],
            "photo": photo,
            "venue": dict(zip(VENUE, venue, strict=True)) if venue[0] is not None else None,
        }
        folded = {**(variables or {}), LEGACY_EXTRAS: extras}
        bind.execute(
            sa.update(_notification).where(_notification.c.id == row_id).values(variables=folded)
        )
    with op.batch_alter_table("notification") as batch:
        for name in ("buttons", "attachment_path", *(f"venue_{n}" for n in VENUE)):
            batch.drop_column(name)


def _dedupe_keys(*, up: bool) -> None:
    """Staff and chat dedupe keys now name the channel and key they went to
    ("...:staff:3" -> "...:staff:3:<channel>:<key>", "...:chat:-100" ->
    "...:chat:<channel>:-100"), so a replayed event still finds them."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, dedupe_key, channel, user_key FROM notification "
            "WHERE dedupe_key LIKE '%:staff:%' OR dedupe_key LIKE '%:chat:%'"
        )
    ).all()
    for row_id, key, channel, user_key in rows:
        new = _moved_key(key, channel, user_key) if up else _legacy_key(key)
        if new != key:
            bind.execute(
                sa.text("UPDATE notification SET dedupe_key = :key WHERE id = :id"),
                {"key": new, "id": row_id},
            )


def _moved_key(key: str, channel: str, user_key: str) -> str:
    head, sep, tail = key.rpartition(":staff:")
    if sep and tail.isdigit():
        return f"{key}:{channel}:{user_key}"
    head, sep, tail = key.rpartition(":chat:")
    if sep and ":" not in tail:
        return f"{head}:chat:{channel}:{tail}"
    return key


def _legacy_key(key: str) -> str:
    head, sep, tail = key.rpartition(":staff:")
    if sep and tail.count(":") >= 2:
        return f"{head}:staff:{tail.split(':', 1)[0]}"
    head, sep, tail = key.rpartition(":chat:")
    if sep and ":" in tail:
        return f"{head}:chat:{tail.split(':', 1)[1]}"
    return key


def upgrade() -> None:
    _staff_contacts_up()
    _staff_chats_up()
    _extras_up()
    _dedupe_keys(up=True)


def downgrade() -> None:
    _dedupe_keys(up=False)
    _extras_down()
    _staff_chats_down()
    _staff_contacts_down()
