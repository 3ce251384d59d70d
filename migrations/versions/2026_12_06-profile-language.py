"""Profile: an optional language on the account.

- user_account.language: a supported language (`en`, `es`, `de`) the person chose; emails,
  reminders and the report are written in it. Null means the app's or device's language.

Nullable and added with plain ADD COLUMN (SQLite never rebuilds a table others refer to);
existing accounts have none.

Revision ID: 20261206_profile_language
Revises: 20261206_outbox_link_tokens
Create Date: 2026-12-06 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "20261206_profile_language"
down_revision: str | None = "20261206_outbox_link_tokens"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "user_account",
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("language")
