"""Pain diary: daily check-ins, the PEG questionnaire and its responses, and acknowledgements of
attention items (the items themselves are derived from the diary, never stored). The PEG's text
comes from the seed; this migration only creates the tables.

Revision ID: 20261124_pain_diary
Revises: 20261124_account_recovery
Create Date: 2026-11-24 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "20261124_pain_diary"
down_revision: str | None = "20261124_account_recovery"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"],
        ["user_account.id"],
        name=op.f(f"fk_{table}_user_id_user_account"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "outcome_questionnaire",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("instructions", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("recall", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("scoring", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("schedule", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("meaningful_change_percent", sa.Integer(), nullable=False),
        sa.Column(
            "meaningful_change_source",
            sqlmodel.sql.sqltypes.AutoString(length=2000),
            nullable=False,
        ),
        sa.Column("citation", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("license", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_questionnaire")),
        sa.UniqueConstraint("slug", name=op.f("uq_outcome_questionnaire_slug")),
    )
    op.create_table(
        "checkin",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("pain", sa.Integer(), nullable=False),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("red_flags", sa.JSON(), nullable=False),
        sa.Column("cautions", sa.JSON(), nullable=False),
        sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("pain BETWEEN 0 AND 10", name=op.f("ck_checkin_pain")),
        _user_fk("checkin"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin")),
    )
    op.create_index("ix_checkin_user_local_date", "checkin", ["user_id", "local_date"], unique=True)
    op.create_table(
        "peg_response",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("pain", sa.Integer(), nullable=False),
        sa.Column("enjoyment", sa.Integer(), nullable=False),
        sa.Column("activity", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("activity BETWEEN 0 AND 10", name=op.f("ck_peg_response_activity")),
        sa.CheckConstraint("enjoyment BETWEEN 0 AND 10", name=op.f("ck_peg_response_enjoyment")),
        sa.CheckConstraint("pain BETWEEN 0 AND 10", name=op.f("ck_peg_response_pain")),
        _user_fk("peg_response"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peg_response")),
    )
    op.create_index(
        "ix_peg_response_user_answered", "peg_response", ["user_id", "answered_at"], unique=False
    )
    op.create_table(
        "attention_acknowledgement",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=False),
        _user_fk("attention_acknowledgement"),
        sa.PrimaryKeyConstraint("user_id", "item_id", name=op.f("pk_attention_acknowledgement")),
    )


def downgrade() -> None:
    op.drop_table("attention_acknowledgement")
    op.drop_index("ix_peg_response_user_answered", table_name="peg_response")
    op.drop_table("peg_response")
    op.drop_index("ix_checkin_user_local_date", table_name="checkin")
    op.drop_table("checkin")
    op.drop_table("outcome_questionnaire")
