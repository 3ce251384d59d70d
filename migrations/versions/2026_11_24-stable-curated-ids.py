"""Stable ids for curated routines: uuid5 of the slug, the same on every install.

Each curated routine that still has a random id is copied under its new id (with a temporary
slug, since slugs are unique), its areas, steps and the sessions logged with it are pointed at
the copy, the old row is deleted and the copy takes the slug. Nothing is cascaded or lost, and
no foreign key is relaxed, on SQLite or PostgreSQL. The downgrade keeps the new ids, which the
previous schema holds as well as any other.

Revision ID: 20261124_curated_ids
Revises: 20261124_provenance
Create Date: 2026-11-24 12:00:00.000000
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261124_curated_ids"
down_revision: str | None = "20261124_provenance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same as app.routines.models.CURATED_ROUTINE_NAMESPACE; copied so that this revision
# means the same thing whatever the code does later.
NAMESPACE = uuid.UUID("fee0cec8-a181-5cb5-9b5b-2e38711f965a")
REFERENCES = (("routine_area", "routine_id"), ("routine_step", "routine_id"))


def _ids(*names: str) -> list[sa.BindParameter[uuid.UUID]]:
    return [sa.bindparam(name, type_=sa.Uuid()) for name in names]


def upgrade() -> None:
    conn = op.get_bind()
    routine = sa.table("routine", sa.column("id", sa.Uuid()), sa.column("slug", sa.String()))
    curated = conn.execute(
        sa.select(routine.c.id, routine.c.slug).where(routine.c.slug.is_not(None))
    ).all()
    for old, slug in curated:
        new = uuid.uuid5(NAMESPACE, slug)
        if old == new:
            continue
        ids = {"old": old, "new": new}
        conn.execute(
            sa.text(
                "INSERT INTO routine (id, slug, owner_id, sort_order, name, description, "
                "created_at, updated_at) SELECT :new, :temporary, owner_id, sort_order, name, "
                "description, created_at, updated_at FROM routine WHERE id = :old"
            ).bindparams(*_ids("old", "new")),
            {**ids, "temporary": "~" + new.hex},
        )
        for table, column in (*REFERENCES, ("progress_session", "routine_id")):
            conn.execute(
                sa.text(f"UPDATE {table} SET {column} = :new WHERE {column} = :old").bindparams(
                    *_ids("old", "new")
                ),
                ids,
            )
        conn.execute(sa.text("DELETE FROM routine WHERE id = :old").bindparams(*_ids("old")), ids)
        conn.execute(
            sa.text("UPDATE routine SET slug = :slug WHERE id = :new").bindparams(*_ids("new")),
            {**ids, "slug": slug},
        )


def downgrade() -> None:
    # The stable ids are valid ids for the previous schema too; there is nothing to undo.
    pass
