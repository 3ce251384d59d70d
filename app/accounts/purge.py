"""Removes the account data that no longer serves anyone: refresh tokens that expired or
whose sign-in has ended, single-use email tokens that were used or expired, and outbox rows
sent long ago. A plain function for a scheduler, and `python -m app.accounts.purge`.

Used refresh tokens stay while their sign-in lives: presenting one again is how a stolen copy
is noticed (the whole sign-in is then ended). Once no token of the sign-in works, nothing is
left to protect and they go.
"""

import sys
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from app.accounts.models import AccountToken, EmailOutbox, OutboxStatus, RefreshToken
from app.core.clock import utcnow

# Sent emails are kept (without their content) this long, so the person's export lists them.
SENT_EMAIL_RETENTION = timedelta(days=90)


def purge_expired(db: Session, now: datetime) -> dict[str, int]:
    """Delete what has expired or been used up; returns how many rows of each kind went."""
    live = aliased(RefreshToken)
    family_alive = exists().where(
        col(live.family_id) == col(RefreshToken.family_id),
        col(live.used_at).is_(None),
        col(live.revoked_at).is_(None),
        col(live.expires_at) > now,
    )
    tokens = db.execute(
        delete(RefreshToken)
        .where(
            or_(
                col(RefreshToken.expires_at) <= now,
                col(RefreshToken.revoked_at).is_not(None),
                and_(col(RefreshToken.used_at).is_not(None), ~family_alive),
            )
        )
        .execution_options(synchronize_session=False)
    )
    links = db.execute(
        delete(AccountToken)
        .where(or_(col(AccountToken.used_at).is_not(None), col(AccountToken.expires_at) <= now))
        .execution_options(synchronize_session=False)
    )
    emails = db.execute(
        delete(EmailOutbox)
        .where(
            col(EmailOutbox.status) == OutboxStatus.SENT,
            col(EmailOutbox.sent_at) < now - SENT_EMAIL_RETENTION,
        )
        .execution_options(synchronize_session=False)
    )
    return {
        "refresh_tokens": tokens.rowcount,  # type: ignore[attr-defined]
        "email_tokens": links.rowcount,  # type: ignore[attr-defined]
        "emails": emails.rowcount,  # type: ignore[attr-defined]
    }


def main(argv: list[str] | None = None) -> int:
    """`python -m app.accounts.purge`: one purge in its own transaction, then exit."""
    import logging

    from app.core import cli

    cli.command_parser(
        "python -m app.accounts.purge",
        "Delete refresh tokens that expired or whose sign-in ended, used or expired email "
        "links and sent emails older than 90 days, in one transaction, then exit. The worker "
        "does the same every hour.",
        [cli.DATABASE, *cli.LOGGING],
        [
            (cli.EXIT_OK, "purged; the log counts what was deleted"),
            (cli.EXIT_FAILED, "the database failed"),
            (cli.EXIT_USAGE, "unknown arguments"),
        ],
    ).parse_args(argv)

    from app.core.config import get_settings
    from app.core.db import get_writing_engine
    from app.core.observability import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    with Session(get_writing_engine()) as db:
        counts = purge_expired(db, utcnow())
        db.commit()
    logging.getLogger("app.purge").info(
        "purged %s", ", ".join(f"{n} {kind}" for kind, n in counts.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
