"""Profile: an optional birth year and region on the account.

- user_account.birth_year: the year the person was born, if they give it; the safety screen
  uses the age it gives (under 16 no moves, new pain over 50 a risk feature, a fall over 50).
- user_account.region: where the person is (ISO 3166-1 alpha-2), for the care routes the
  answers name.

Both nullable and added with plain ADD COLUMN (SQLite never rebuilds a table others refer
to); existing accounts have neither.

Revision ID: 20261206_birth_year_region
Revises: 20261124_pain_diary
Create Date: 2026-12-06 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "20261206_birth_year_region"
down_revision: str | None = "20261124_pain_diary"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("user_account", sa.Column("birth_year", sa.Integer(), nullable=True))
    op.add_column(
        "user_account",
        sa.Column("region", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("region")
        batch.drop_column("birth_year")
