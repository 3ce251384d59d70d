from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from app.core.errors import ServiceUnavailable
from app.core.migrations import head_revisions


class NotReady(ServiceUnavailable):
    title = "Not ready"
    slug = "not-ready"


def check_ready(engine: Engine) -> None:
    """Raise `NotReady` unless the database answers and its schema is at the migrations' head."""
    try:
        with engine.connect() as conn:
            current = {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}
    except SQLAlchemyError as exc:
        raise NotReady("The database is unreachable or has not been migrated.") from exc
    if current != set(head_revisions()):
        raise NotReady("The database schema is not at the latest migration.")
