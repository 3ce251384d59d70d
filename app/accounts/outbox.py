"""The email outbox: messages written in the transaction of the change they tell about, and
delivered after it commits.

`enqueue` renders the message and adds its row; the route schedules `Delivery` to run after
the response (so after the commit), and `python -m app.accounts.outbox` delivers whatever is
still pending (a send that failed, a process that stopped first), for a scheduler to run.

Each row is claimed with a conditional UPDATE before it is sent, so two deliverers never
send the same row, and a row marked sent is never sent again. A failed send goes back to
pending with a growing delay, up to `MAX_ATTEMPTS`; after the last one the row is deleted, since
its body may hold a single-use link. Only a process that dies between the
SMTP server accepting a message and the row being marked sent can repeat it: a claim older
than `CLAIM_TIMEOUT` is taken over, since losing a reset link is worse than a second copy.
"""

import argparse
import contextlib
import logging
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import and_, delete, or_, update
from sqlmodel import Session, col, select

from app.accounts import security
from app.accounts.models import AccountToken, EmailOutbox, OutboxStatus
from app.core import cli
from app.core.clock import utcnow
from app.core.config import get_settings
from app.core.db import get_writing_engine
from app.core.mail import Mailer, Message, Templates, mailer_from_settings
from app.core.observability import EMAILS
from app.core.tracing import current_traceparent, job_span

log = logging.getLogger("app.outbox")

TEMPLATES = Templates(Path(__file__).resolve().parent / "templates" / "email")
MAX_ATTEMPTS = 8
CLAIM_TIMEOUT = timedelta(minutes=15)
BATCH = 100
# Stands where a single-use token goes in a queued message's link, until it is sent.
LINK_TOKEN = "LINK_TOKEN_DRAWN_AT_SENDING"


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes after each failed attempt, at most 2 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def enqueue(
    db: Session,
    *,
    user_id: uuid.UUID | None,
    to: str,
    template: str,
    context: dict[str, Any],
    now: datetime,
    account_token: AccountToken | None = None,
    language: str | None = None,
) -> EmailOutbox:
    """Queue a message, written in `language` (the request's when left out). With
    `account_token`, the context's link holds `LINK_TOKEN` where the token goes: the token is
    drawn when the message is sent, so the row never holds it."""
    message = TEMPLATES.render(template, to, context, language)
    row = EmailOutbox(
        account_token_id=account_token.id if account_token is not None else None,
        user_id=user_id,
        to_address=to,
        template=template,
        subject=message.subject,
        text_body=message.text,
        html_body=message.html,
        created_at=now,
        next_attempt_at=now,
        trace_parent=current_traceparent(),
    )
    db.add(row)
    EMAILS.labels("queued").inc()
    return row


def _claimable(now: datetime) -> Any:
    return or_(
        and_(
            col(EmailOutbox.status) == OutboxStatus.PENDING,
            col(EmailOutbox.next_attempt_at) <= now,
        ),
        and_(
            col(EmailOutbox.status) == OutboxStatus.SENDING,
            col(EmailOutbox.claimed_at) < now - CLAIM_TIMEOUT,
        ),
    )


def deliver_pending(
    sessions: Callable[[], AbstractContextManager[Session]],
    mailer: Mailer | None,
    *,
    clock: Callable[[], datetime] = utcnow,
    limit: int = BATCH,
) -> int:
    """Send what is due, one row at a time, never inside a transaction; returns how many
    were sent."""
    if mailer is None:
        log.warning("email outbox: no SMTP_HOST configured, messages stay pending")
        return 0
    sent = 0
    with sessions() as db:
        ids = db.exec(
            select(EmailOutbox.id)
            .where(_claimable(clock()))
            .order_by(col(EmailOutbox.created_at))
            .limit(limit)
        ).all()
        db.commit()
        for row_id in ids:
            now = clock()
            claimed = db.execute(
                update(EmailOutbox)
                .where(col(EmailOutbox.id) == row_id, _claimable(now))
                .values(
                    status=OutboxStatus.SENDING,
                    claimed_at=now,
                    attempts=col(EmailOutbox.attempts) + 1,
                )
                .execution_options(synchronize_session=False)
            )
            db.commit()
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                continue  # another deliverer has it
            row = db.get(EmailOutbox, row_id, populate_existing=True)
            if row is None:  # the account was deleted meanwhile
                continue
            attempts, trace_parent, template = row.attempts, row.trace_parent, row.template
            text_body, html_body = row.text_body, row.html_body
            if row.account_token_id is not None:
                raw = _draw_token(db, row.account_token_id)
                text_body = text_body.replace(LINK_TOKEN, raw)
                html_body = html_body.replace(LINK_TOKEN, raw)
            message = Message(row.to_address, row.subject, text_body, html_body)
            db.commit()
            with job_span(
                "email_outbox.send",
                trace_parent,
                **{"app.email.template": template, "app.email.attempt": attempts},
            ):
                try:
                    mailer.send(message)
                except Exception as exc:
                    EMAILS.labels("failed").inc()
                    _failed(db, row_id, attempts, exc, clock())
                    continue
                EMAILS.labels("sent").inc()
                _sent(db, row_id, clock())
            sent += 1
    return sent


def _draw_token(db: Session, token_id: uuid.UUID) -> str:
    """A new value for a single-use token, of which only the hash is stored: the one in the
    message about to be sent (an earlier attempt's, never delivered, stops working)."""
    raw = security.new_single_use_token()
    db.execute(
        update(AccountToken)
        .where(col(AccountToken.id) == token_id)
        .values(token_hash=security.hash_refresh_token(raw))
        .execution_options(synchronize_session=False)
    )
    return raw


def _sent(db: Session, row_id: uuid.UUID, now: datetime) -> None:
    db.execute(
        update(EmailOutbox)
        .where(col(EmailOutbox.id) == row_id)
        .values(status=OutboxStatus.SENT, sent_at=now, text_body="", html_body="")
        .execution_options(synchronize_session=False)
    )
    db.commit()


def _failed(db: Session, row_id: uuid.UUID, attempts: int, exc: Exception, now: datetime) -> None:
    # The error's class only: SMTP replies can quote addresses.
    log.warning("email outbox: sending %s failed (%s)", row_id, type(exc).__name__)
    if attempts >= MAX_ATTEMPTS:
        # Given up: the row goes, with the single-use link its body may hold.
        log.warning("email outbox: giving up on %s after %d attempts", row_id, attempts)
        db.execute(
            delete(EmailOutbox)
            .where(col(EmailOutbox.id) == row_id, col(EmailOutbox.status) == OutboxStatus.SENDING)
            .execution_options(synchronize_session=False)
        )
        db.commit()
        return
    db.execute(
        update(EmailOutbox)
        .where(col(EmailOutbox.id) == row_id, col(EmailOutbox.status) == OutboxStatus.SENDING)
        .values(
            status=OutboxStatus.PENDING,
            next_attempt_at=now + retry_delay(attempts),
            last_error=type(exc).__name__[:500],
        )
        .execution_options(synchronize_session=False)
    )
    db.commit()


@contextlib.contextmanager
def _own_session() -> Iterator[Session]:
    with Session(get_writing_engine()) as db:
        yield db


@dataclass
class Delivery:
    """Delivers the outbox; scheduled by routes to run once their response is sent."""

    sessions: Callable[[], AbstractContextManager[Session]]
    mailer: Mailer | None

    def __call__(self) -> int:
        try:
            return deliver_pending(self.sessions, self.mailer)
        except Exception:
            # The rows stay pending; the scheduled run picks them up.
            log.exception("email outbox delivery failed")
            return 0


async def get_delivery() -> Delivery:
    return Delivery(_own_session, mailer_from_settings(get_settings()))


DeliveryDep = Annotated[Delivery, Depends(get_delivery)]


def parser() -> argparse.ArgumentParser:
    return cli.command_parser(
        "python -m app.accounts.outbox",
        "Deliver every email in the outbox that is due (after a failed send or an outage), "
        "then exit. The worker does the same every minute.",
        [cli.ENVIRONMENT, cli.DATABASE, *cli.SMTP, *cli.LOGGING],
        [
            (cli.EXIT_OK, "done; the log says how many were sent (failed sends stay pending)"),
            (cli.EXIT_FAILED, "the database failed"),
            (cli.EXIT_USAGE, "unknown arguments"),
        ],
    )


def main(argv: list[str] | None = None) -> int:
    """`python -m app.accounts.outbox`: deliver every due message, then exit."""
    from app.core.observability import configure_logging

    parser().parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    total = 0
    while True:
        sent = deliver_pending(_own_session, mailer_from_settings(settings))
        total += sent
        if sent < BATCH:
            break
    log.info("email outbox: %d sent", total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
