"""`python -m seed`: load or refresh the seed data into the configured database."""

import logging
import sys

from app.core.config import get_settings
from app.core.observability import configure_logging
from seed.loader import load_all


def main() -> int:
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
