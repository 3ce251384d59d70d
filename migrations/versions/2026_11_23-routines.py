"""Routines: curated and user-owned routines, their target areas and their ordered steps.

Revision ID: 20261123_routines
Revises: 20261123_accounts
Create Date: 2026-11-23 22:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "20261123_routines"
down_revision: str | None = "20261123_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "routine",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(slug IS NULL AND owner_id IS NOT NULL) OR (slug IS NOT NULL AND owner_id IS NULL)",
            name=op.f("ck_routine_curated_or_owned"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["user_account.id"],
            name=op.f("fk_routine_owner_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routine")),
        sa.UniqueConstraint("slug", name=op.f("uq_routine_slug")),
    )
    op.create_index(op.f("ix_routine_owner_id"), "routine", ["owner_id"], unique=False)

    op.create_table(
        "routine_area",
        sa.Column("routine_id", sa.Uuid(), nullable=False),
        sa.Column("area", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("area_order", sa.Integer(), nullable=False),
        sa.CheckConstraint("area IN ('upper', 'mid', 'lower')", name=op.f("ck_routine_area_area")),
        sa.ForeignKeyConstraint(
            ["routine_id"],
            ["routine.id"],
            name=op.f("fk_routine_area_routine_id_routine"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("routine_id", "area", name=op.f("pk_routine_area")),
    )

    op.create_table(
        "routine_step",
        sa.Column("routine_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("sets", sa.Integer(), nullable=False),
        sa.Column("reps", sa.Integer(), nullable=True),
        sa.Column("hold_seconds", sa.Integer(), nullable=True),
        sa.Column("per_side", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "hold_seconds IS NULL OR hold_seconds > 0", name=op.f("ck_routine_step_hold_seconds")
        ),
        sa.CheckConstraint(
            "reps IS NOT NULL OR hold_seconds IS NOT NULL", name=op.f("ck_routine_step_dose")
        ),
        sa.CheckConstraint("reps IS NULL OR reps > 0", name=op.f("ck_routine_step_reps")),
        sa.CheckConstraint("sets > 0", name=op.f("ck_routine_step_sets")),
        sa.ForeignKeyConstraint(
            ["exercise_id"], ["exercise.id"], name=op.f("fk_routine_step_exercise_id_exercise")
        ),
        sa.ForeignKeyConstraint(
            ["routine_id"],
            ["routine.id"],
            name=op.f("fk_routine_step_routine_id_routine"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("routine_id", "position", name=op.f("pk_routine_step")),
    )
    op.create_index(
        op.f("ix_routine_step_exercise_id"), "routine_step", ["exercise_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_routine_step_exercise_id"), table_name="routine_step")
    op.drop_table("routine_step")
    op.drop_table("routine_area")
    op.drop_index(op.f("ix_routine_owner_id"), table_name="routine")
    op.drop_table("routine")
