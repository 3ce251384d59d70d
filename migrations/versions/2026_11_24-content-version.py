"""Content version: the digest of the seed files last loaded, one row.

Each process compares it with the version its caches were built from, so a reseed reaches
every worker. Seeding writes the row; this migration only creates the table.

Revision ID: 20261124_content_version
Revises: 20261124_sync
Create Date: 2026-11-24 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "20261124_content_version"
down_revision: str | None = "20261124_sync"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "content_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_version")),
    )


def downgrade() -> None:
    op.drop_table("content_version")
