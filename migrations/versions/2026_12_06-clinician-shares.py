"""Share links a person gives a clinician, and every opening of them.

- clinician_share: what is shared (scopes) over which days, until when; only the SHA-256 of
  the link's token is kept. `ended_at`/`ended_by` when the person revoked it or withdrew
  health-data consent.
- clinician_share_access: one row per opening (page, PDF, CSV or FHIR bundle) with the kind
  of client, shown to the person; no address, no raw User-Agent.

Revision ID: 20261206_clinician_shares
Revises: 20261206_outbox_trace_parent
Create Date: 2026-12-06 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "20261206_clinician_shares"
down_revision: str | None = "20261206_outbox_trace_parent"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _owner(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"],
        ["user_account.id"],
        name=op.f(f"fk_{table}_user_id_user_account"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "clinician_share",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("date_from", sa.Date(), nullable=False),
        sa.Column("date_to", sa.Date(), nullable=False),
        sa.Column("clinician_email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        _owner("clinician_share"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinician_share")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_clinician_share_token_hash")),
    )
    op.create_index(
        "ix_clinician_share_user_created",
        "clinician_share",
        ["user_id", "created_at"],
        unique=False,
    )
    op.create_table(
        "clinician_share_access",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("share_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("accessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("client", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["share_id"],
            ["clinician_share.id"],
            name=op.f("fk_clinician_share_access_share_id_clinician_share"),
            ondelete="CASCADE",
        ),
        _owner("clinician_share_access"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinician_share_access")),
    )
    op.create_index(
        "ix_clinician_share_access_share",
        "clinician_share_access",
        ["share_id", "accessed_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_clinician_share_access_share", table_name="clinician_share_access")
    op.drop_table("clinician_share_access")
    op.drop_index("ix_clinician_share_user_created", table_name="clinician_share")
    op.drop_table("clinician_share")
