"""Progress: logged sessions with pain before and after, and the moves done in each.

Revision ID: 20261123_progress
Revises: 20261123_routines
Create Date: 2026-11-23 22:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "20261123_progress"
down_revision: str | None = "20261123_routines"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "progress_session",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("routine_id", sa.Uuid(), nullable=True),
        sa.Column("area", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("pain_before", sa.Integer(), nullable=False),
        sa.Column("pain_after", sa.Integer(), nullable=False),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "area IN ('upper', 'mid', 'lower')", name=op.f("ck_progress_session_area")
        ),
        sa.CheckConstraint(
            "completed_at >= started_at",
            name=op.f("ck_progress_session_completed_after_started"),
        ),
        sa.CheckConstraint(
            "pain_after BETWEEN 0 AND 10", name=op.f("ck_progress_session_pain_after")
        ),
        sa.CheckConstraint(
            "pain_before BETWEEN 0 AND 10", name=op.f("ck_progress_session_pain_before")
        ),
        sa.ForeignKeyConstraint(
            ["routine_id"],
            ["routine.id"],
            name=op.f("fk_progress_session_routine_id_routine"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_progress_session_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_session")),
    )
    op.create_index(
        op.f("ix_progress_session_routine_id"), "progress_session", ["routine_id"], unique=False
    )
    op.create_index(
        "ix_progress_session_user_completed",
        "progress_session",
        ["user_id", "completed_at"],
        unique=False,
    )
    op.create_index(
        "ix_progress_session_user_local_date",
        "progress_session",
        ["user_id", "local_date"],
        unique=False,
    )

    op.create_table(
        "progress_session_exercise",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("sets", sa.Integer(), nullable=False),
        sa.Column("reps", sa.Integer(), nullable=True),
        sa.Column("hold_seconds", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "hold_seconds IS NULL OR hold_seconds > 0",
            name=op.f("ck_progress_session_exercise_hold_seconds"),
        ),
        sa.CheckConstraint(
            "reps IS NULL OR reps > 0", name=op.f("ck_progress_session_exercise_reps")
        ),
        sa.CheckConstraint("sets > 0", name=op.f("ck_progress_session_exercise_sets")),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["exercise.id"],
            name=op.f("fk_progress_session_exercise_exercise_id_exercise"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["progress_session.id"],
            name=op.f("fk_progress_session_exercise_session_id_progress_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "session_id", "position", name=op.f("pk_progress_session_exercise")
        ),
    )
    op.create_index(
        op.f("ix_progress_session_exercise_exercise_id"),
        "progress_session_exercise",
        ["exercise_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_progress_session_exercise_exercise_id"), table_name="progress_session_exercise"
    )
    op.drop_table("progress_session_exercise")
    op.drop_index("ix_progress_session_user_local_date", table_name="progress_session")
    op.drop_index("ix_progress_session_user_completed", table_name="progress_session")
    op.drop_index(op.f("ix_progress_session_routine_id"), table_name="progress_session")
    op.drop_table("progress_session")
