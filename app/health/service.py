from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from app.core.errors import ServiceUnavailable
from app.core.migrations import head_revisions


class NotReady(ServiceUnavailable):
    title = "Not ready"
    slug = "not-ready"


def check_ready(engine: Engine) -> None:
    """Raise `NotReady` unless the database answers, its schema is at the migrations' head and
    the seed data is loaded (without the catalog, every data endpoint would be empty)."""
    try:
        with engine.connect() as conn:
            current = {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}
            seeded = current == set(head_revisions()) and (
                conn.execute(text("SELECT 1 FROM exercise LIMIT 1")).first() is not None
            )
    except SQLAlchemyError as exc:
        raise NotReady("The database is unreachable or has not been migrated.") from exc
    if current != set(head_revisions()):
        raise NotReady("The database schema is not at the latest migration.")
    if not seeded:
        raise NotReady("The seed data has not been loaded (`python -m seed`).")
