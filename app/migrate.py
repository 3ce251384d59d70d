"""`backpain-migrate`: bring the schema to the latest revision and load or refresh the seed
data. Run once per release, before the new servers start (a one-shot container or Job), never
by each replica. On PostgreSQL an advisory lock makes concurrent runs take turns: the first
migrates, the others wait, then find nothing left to do."""

import argparse
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import command
from alembic.runtime.migration import MigrationContext
from sqlalchemy.pool import NullPool

from app.core import cli
from app.core.config import get_settings
from app.core.db import make_engine
from app.core.migrations import alembic_config, head_revisions
from app.core.observability import configure_logging
from seed.loader import load_all

# Any fixed 64-bit number, the same in every release; it names this lock in pg_locks.
MIGRATION_LOCK_KEY = 7_204_118_300_811
log = logging.getLogger("app.migrate")


@contextmanager
def migration_lock(url: str) -> Iterator[None]:
    """Held from before the schema is read until the seed is loaded. A session-level lock on
    its own autocommit connection, so it waits for as long as another run takes (no statement
    timeout) and is released even if this process dies."""
    if not url.startswith("postgresql"):
        yield  # SQLite is one file on one machine: nothing else can migrate it at once.
        return
    engine = sa.create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SET statement_timeout = 0")
            conn.exec_driver_sql("SET lock_timeout = 0")
            key = {"key": MIGRATION_LOCK_KEY}
            if not conn.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), key).scalar():
                log.info("another migration is running; waiting for it to finish")
                conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), key)
            try:
                yield
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), key)
    finally:
        engine.dispose()


def current_revisions(engine: sa.Engine) -> frozenset[str]:
    with engine.connect() as conn:
        return frozenset(MigrationContext.configure(conn).get_current_heads())


def run(url: str) -> None:
    engine = make_engine(url)
    try:
        with migration_lock(url):
            before = current_revisions(engine)
            if before == head_revisions():
                log.info(
                    "schema already at head; nothing to migrate",
                    extra={"fields": {"revisions": sorted(before), "migrated": False}},
                )
            else:
                cfg = alembic_config(url)
                cfg.attributes["configure_logger"] = False  # keep this process's log format
                command.upgrade(cfg, "head")
                log.info(
                    "schema migrated to head",
                    extra={
                        "fields": {
                            "from": sorted(before),
                            "revisions": sorted(head_revisions()),
                            "migrated": True,
                        }
                    },
                )
            for name, counts in load_all(engine).items():
                log.info(
                    "seed %s: %d created, %d updated, %d unchanged",
                    name,
                    counts["created"],
                    counts["updated"],
                    counts["unchanged"],
                    extra={"fields": {"seed": name, **counts}},
                )
    finally:
        engine.dispose()


def parser() -> argparse.ArgumentParser:
    return cli.command_parser(
        "backpain-migrate",
        "Upgrade the database schema to the latest revision, then load or refresh the seed "
        "data (python -m app.migrate). Run once per release, before the new servers start; "
        "concurrent runs on PostgreSQL take turns. Creates the SQLite file if it is missing.",
        [cli.DATABASE, *cli.LOGGING],
        [
            (cli.EXIT_OK, "migrated and seeded, or nothing was left to do"),
            (cli.EXIT_FAILED, "a migration or the seed failed (the traceback says why)"),
            (cli.EXIT_USAGE, "unknown arguments"),
        ],
    )


def main(argv: list[str] | None = None) -> int:
    parser().parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    run(settings.database_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
