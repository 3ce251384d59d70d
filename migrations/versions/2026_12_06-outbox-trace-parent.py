"""Email outbox: the trace of the request that queued each message.

- email_outbox.trace_parent: the W3C `traceparent` of the request that wrote the row, so the
  span of its (possibly much later) delivery links to that request's trace. Nullable: rows
  queued while traces were off, and the existing ones, have none.

Revision ID: 20261206_outbox_trace_parent
Revises: 20261206_article_publisher
Create Date: 2026-12-06 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "20261206_outbox_trace_parent"
down_revision: str | None = "20261206_article_publisher"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "email_outbox",
        sa.Column("trace_parent", sqlmodel.sql.sqltypes.AutoString(length=55), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("email_outbox") as batch:
        batch.drop_column("trace_parent")
