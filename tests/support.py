"""Test plumbing: throwaway databases on whichever backend DATABASE_URL names."""

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import make_url

from app.core.migrations import alembic_config

BASE_URL = os.environ.get("DATABASE_URL", "")
BACKEND = "postgresql" if BASE_URL.startswith("postgresql") else "sqlite"


@contextmanager
def fresh_database() -> Iterator[str]:
    """An empty database that is dropped afterwards; yields its URL."""
    if BACKEND == "postgresql":
        base = make_url(BASE_URL)
        name = f"{base.database}_t{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield base.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()
    else:
        with tempfile.TemporaryDirectory(prefix="backpain-test-") as tmp:
            yield f"sqlite:///{Path(tmp) / 'test.db'}"


def migrate(url: str, revision: str = "head") -> None:
    cfg = alembic_config(url)
    cfg.attributes["configure_logger"] = False
    command.upgrade(cfg, revision)
