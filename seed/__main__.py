"""`python -m seed`: load or refresh the seed data into the configured database."""

import argparse
import logging
import sys

from app.core import cli
from app.core.config import get_settings
from app.core.observability import configure_logging
from seed.loader import load_all


def parser() -> argparse.ArgumentParser:
    return cli.command_parser(
        "python -m seed",
        "Load or refresh the seed data (catalog, routines, care routes, policies, outcomes) "
        "from seed/*.json into a migrated database, upserting by slug.",
        [cli.DATABASE, *cli.LOGGING],
        [
            (cli.EXIT_OK, "loaded; the log counts what was created, updated and unchanged"),
            (cli.EXIT_FAILED, "a seed file was refused or the database failed"),
            (cli.EXIT_USAGE, "unknown arguments"),
        ],
    )


def main(argv: list[str] | None = None) -> int:
    parser().parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    report = load_all()
    for name, counts in report.items():
        logging.getLogger("seed").info(
            "%s: %d created, %d updated, %d unchanged",
            name,
            counts["created"],
            counts["updated"],
            counts["unchanged"],
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
