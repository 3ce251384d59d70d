"""Queued emails no longer hold the single-use token of their link.

email_outbox gains account_token_id: the token row whose link the message carries. The body
holds a placeholder where the token goes; the outbox draws a new token when it sends the
message and stores only its hash. Rows queued before this revision keep the link they were
rendered with and are sent as they are.

Revision ID: 20261206_outbox_link_tokens
Revises: 20261206_email_normal_form
Create Date: 2026-12-06 12:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261206_outbox_link_tokens"
down_revision: str | None = "20261206_email_normal_form"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("email_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("account_token_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_email_outbox_account_token_id"), ["account_token_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_email_outbox_account_token_id_account_token"),
            "account_token",
            ["account_token_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("email_outbox", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_email_outbox_account_token_id_account_token"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_email_outbox_account_token_id"))
        batch_op.drop_column("account_token_id")
