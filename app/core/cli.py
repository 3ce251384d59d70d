"""The command line of the service's commands: each answers `--help` with its usage, the
settings it reads (environment variables, or a `.env` file in the working directory) and its
exit codes, and does nothing else. Parsing comes first in every `main`, before any setting is
read, so `--help` creates no database, starts no process and needs no configuration."""

import argparse
import textwrap
from collections.abc import Sequence

# Exit codes shared by the commands (sysexits.h where one fits).
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_CONFIG = 78

# Settings most commands read, with what they do.
DATABASE = ("DATABASE_URL", "the database (default sqlite:///./backpain.db)")
ENVIRONMENT = ("ENVIRONMENT", "production (the default) or development")
LOGGING = (
    ("LOG_LEVEL", "DEBUG, INFO (the default), WARNING or ERROR"),
    ("LOG_JSON", "true (the default): JSON lines; false: plain text"),
)
SMTP = (
    ("SMTP_HOST", "the SMTP server; none: development logs each message, production keeps it"),
    ("SMTP_PORT, SMTP_SECURITY", "587 and starttls by default; tls, or none for a local relay"),
    ("SMTP_USERNAME, SMTP_PASSWORD", "SMTP credentials, if the server asks for them"),
    ("MAIL_FROM", "the sender address"),
)
CONFIGURATION = "docs/operations.md's Configuration section lists every setting"


def _section(title: str, rows: Sequence[tuple[str, str]]) -> str:
    width = max(len(name) for name, _ in rows)
    lines = [f"  {name.ljust(width)}  {text}" for name, text in rows]
    return f"{title}:\n" + "\n".join(lines)


def command_parser(
    prog: str,
    description: str,
    settings: Sequence[tuple[str, str]],
    exit_codes: Sequence[tuple[int, str]],
) -> argparse.ArgumentParser:
    """A parser whose help ends with the settings the command reads and its exit codes."""
    epilog = "\n\n".join(
        [
            _section("settings (environment variables, or .env)", settings)
            + f"\n  ({CONFIGURATION})",
            _section("exit codes", [(str(code), text) for code, text in exit_codes]),
        ]
    )
    return argparse.ArgumentParser(
        prog=prog,
        description=textwrap.fill(description, width=88, break_on_hyphens=False),
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
