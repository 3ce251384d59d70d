"""Catalog: moves from the source article, their target areas, the article and referrals.

Revision ID: 20261123_catalog
Revises:
Create Date: 2026-11-23 21:52:08.903497
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "20261123_catalog"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "care_referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("location", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("offers", sa.JSON(), nullable=False),
        sa.Column("source_title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("source_section", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_referral")),
        sa.UniqueConstraint("slug", name=op.f("uq_care_referral_slug")),
    )
    op.create_table(
        "exercise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("position", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("benefit", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("cautions", sa.JSON(), nullable=False),
        sa.Column("hold_min_seconds", sa.Integer(), nullable=True),
        sa.Column("hold_max_seconds", sa.Integer(), nullable=True),
        sa.Column("reps_min", sa.Integer(), nullable=True),
        sa.Column("reps_max", sa.Integer(), nullable=True),
        sa.Column("per_side", sa.Boolean(), nullable=False),
        sa.Column("source_title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("source_section", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("source_heading", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("search_text", sqlmodel.sql.sqltypes.AutoString(length=8000), nullable=False),
        sa.CheckConstraint("kind IN ('exercise', 'stretch')", name=op.f("ck_exercise_kind")),
        sa.CheckConstraint(
            "position IN ('hands_and_knees', 'lying_on_back', 'sitting', 'standing')",
            name=op.f("ck_exercise_position"),
        ),
        sa.CheckConstraint(
            "hold_max_seconds IS NULL OR hold_max_seconds >= hold_min_seconds",
            name=op.f("ck_exercise_hold_range"),
        ),
        sa.CheckConstraint(
            "hold_min_seconds IS NULL OR hold_min_seconds > 0", name=op.f("ck_exercise_hold_min")
        ),
        sa.CheckConstraint(
            "reps_max IS NULL OR reps_max >= reps_min", name=op.f("ck_exercise_reps_range")
        ),
        sa.CheckConstraint("reps_min IS NULL OR reps_min > 0", name=op.f("ck_exercise_reps_min")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise")),
        sa.UniqueConstraint("slug", name=op.f("uq_exercise_slug")),
    )
    op.create_index(op.f("ix_exercise_sort_order"), "exercise", ["sort_order"], unique=False)

    op.create_table(
        "source_article",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column(
            "disclaimer_quote", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False
        ),
        sa.Column("disclaimer", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_article")),
        sa.UniqueConstraint("slug", name=op.f("uq_source_article_slug")),
    )
    op.create_table(
        "exercise_target",
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("area", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("area_order", sa.Integer(), nullable=False),
        sa.Column("relevance", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.CheckConstraint(
            "area IN ('upper', 'mid', 'lower')", name=op.f("ck_exercise_target_area")
        ),
        sa.CheckConstraint(
            "relevance IN ('primary', 'secondary')", name=op.f("ck_exercise_target_relevance")
        ),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["exercise.id"],
            name=op.f("fk_exercise_target_exercise_id_exercise"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("exercise_id", "area", name=op.f("pk_exercise_target")),
    )


def downgrade() -> None:
    op.drop_table("exercise_target")
    op.drop_table("source_article")
    op.drop_index(op.f("ix_exercise_sort_order"), table_name="exercise")
    op.drop_table("exercise")
    op.drop_table("care_referral")
