"""Offline sync: change numbers on sessions and routines, a clock per scope, tombstones.

- sync_clock: the last change number handed out per scope (an account, or curated content).
- progress_session.change_seq and routine.change_seq: the number of each row's last write.
  Existing rows start at 0; a client's first sync is a full listing, which includes them.
- progress_session_tombstone and routine_tombstone: deletions, kept 90 days for clients that
  sync, removed with their account.

Columns are added with plain ADD COLUMN (SQLite never rebuilds a table others refer to).

Revision ID: 20261124_sync
Revises: 20261124_curated_ids
Create Date: 2026-11-24 12:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "20261124_sync"
down_revision: str | None = "20261124_curated_ids"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_clock",
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_sync_clock")),
    )
    op.create_table(
        "progress_session_tombstone",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_progress_session_tombstone_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "id", name=op.f("pk_progress_session_tombstone")),
    )
    op.create_index(
        "ix_progress_session_tombstone_user_change",
        "progress_session_tombstone",
        ["user_id", "change_seq"],
    )
    op.create_table(
        "routine_tombstone",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["user_account.id"],
            name=op.f("fk_routine_tombstone_owner_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routine_tombstone")),
    )
    op.create_index(
        "ix_routine_tombstone_owner_change", "routine_tombstone", ["owner_id", "change_seq"]
    )
    for table in ("progress_session", "routine"):
        op.add_column(
            table,
            sa.Column("change_seq", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        )
    op.create_index(
        "ix_progress_session_user_change", "progress_session", ["user_id", "change_seq"]
    )
    op.create_index("ix_routine_owner_change", "routine", ["owner_id", "change_seq"])


def downgrade() -> None:
    op.drop_index("ix_routine_owner_change", table_name="routine")
    op.drop_index("ix_progress_session_user_change", table_name="progress_session")
    # Plain DROP COLUMN (SQLite 3.35+): no rebuild of tables others refer to.
    op.drop_column("routine", "change_seq")
    op.drop_column("progress_session", "change_seq")
    op.drop_index("ix_routine_tombstone_owner_change", table_name="routine_tombstone")
    op.drop_table("routine_tombstone")
    op.drop_index(
        "ix_progress_session_tombstone_user_change", table_name="progress_session_tombstone"
    )
    op.drop_table("progress_session_tombstone")
    op.drop_table("sync_clock")
