"""`python -m seed`: load or refresh the seed data into the configured database."""

import logging
import sys

from seed.loader import load_all


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
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
