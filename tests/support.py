"""Test plumbing: throwaway databases on whichever backend DATABASE_URL names."""

import os
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import make_url

from app.core.migrations import alembic_config

BASE_URL = os.environ.get("DATABASE_URL", "")
BACKEND = "postgresql" if BASE_URL.startswith("postgresql") else "sqlite"


@contextmanager
def fresh_database(template: str | None = None) -> Iterator[str]:
    """An empty database, or a copy of `template` (the URL of another database made here,
    which nothing may be connected to), dropped afterwards; yields its URL."""
    if BACKEND == "postgresql":
        base = make_url(BASE_URL)
        name = f"{base.database}_t{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        create = f'CREATE DATABASE "{name}"'
        if template is not None:
            create += f' TEMPLATE "{make_url(template).database}"'
        with admin.connect() as conn:
            conn.exec_driver_sql(create)
        try:
            yield base.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()
    else:
        with tempfile.TemporaryDirectory(prefix="backpain-test-") as tmp:
            path = Path(tmp) / "test.db"
            if template is not None:
                source = make_url(template).database
                assert source is not None
                # SQLite's online backup: a consistent copy, whatever is still in the WAL.
                with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(path)) as dst:
                    src.backup(dst)
            yield f"sqlite:///{path}"


def migrate(url: str, revision: str = "head") -> None:
    cfg = alembic_config(url)
    cfg.attributes["configure_logger"] = False
    command.upgrade(cfg, revision)
