"""Source article: who published it, so the clinician report can name the article fully.

- source_article.publisher: the organisation the article speaks for, in the article's own
  words; nullable, and filled by the seed that backpain-migrate loads right after this
  revision.

Revision ID: 20261206_article_publisher
Revises: 20261206_safety_state
Create Date: 2026-12-06 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "20261206_article_publisher"
down_revision: str | None = "20261206_safety_state"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "source_article",
        sa.Column("publisher", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("source_article") as batch:
        batch.drop_column("publisher")
