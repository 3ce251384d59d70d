"""Content provenance: where each catalog fact comes from, and why curated routines chose the
values the article does not give.

- exercise.provenance: basis of the starting position and of each part of the dose.
- exercise_target.basis and .quote: whether the article names the area for the move.
- routine_step.notes: reasons for a curated step's values that are not the article's.

Existing rows get conservative defaults (nothing claimed as the article's); the seed loader
fills in the real values on its next run, which every start-up does.

Revision ID: 20261124_provenance
Revises: 20261123_progress
Create Date: 2026-11-24 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "20261124_provenance"
down_revision: str | None = "20261123_progress"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, never a table rebuild: on SQLite, rebuilding `exercise` drops it, which
    # would cascade into exercise_target and trip routine_step's foreign key.
    op.add_column(
        "exercise",
        sa.Column("provenance", sa.JSON(), server_default=sa.text("'{}'"), nullable=False),
    )
    # Nothing refers to exercise_target, so SQLite may rebuild it to add the check constraint.
    with op.batch_alter_table("exercise_target") as batch:
        batch.add_column(
            sa.Column(
                "basis",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                server_default="inferred",
                nullable=False,
            )
        )
        batch.add_column(
            sa.Column("quote", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True)
        )
        batch.create_check_constraint(
            op.f("ck_exercise_target_basis"), "basis IN ('article', 'inferred')"
        )
    with op.batch_alter_table("exercise_target") as batch:
        # The default only fills existing rows; new rows always say their basis.
        batch.alter_column("basis", server_default=None)
    op.add_column("routine_step", sa.Column("notes", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+) for the same reason as above.
    op.drop_column("routine_step", "notes")
    with op.batch_alter_table("exercise_target") as batch:
        batch.drop_constraint(op.f("ck_exercise_target_basis"), type_="check")
        batch.drop_column("quote")
        batch.drop_column("basis")
    op.drop_column("exercise", "provenance")
