"""The worker's account upkeep: outbox messages that could not go out after their request are
sent by the worker's periodic job to a real SMTP server, once; expired sign-ins are purged."""

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.accounts.models import EmailOutbox, OutboxStatus, RefreshToken
from app.accounts.outbox import enqueue
from app.core.clock import utcnow
from app.core.config import SmtpSecurity
from app.core.mail import SmtpMailer
from app.worker.jobs import Upkeep, make_queue, register_account_upkeep
from tests.factories import register_user
from tests.mailbox import Mailbox, smtp_server


@pytest.fixture()
def committing_client(engine: sa.Engine) -> Iterator[TestClient]:
    """Requests whose writes are committed, as the worker reads them from its own sessions."""
    from app.main import app

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture()
def outside_mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


def upkeep_on(engine: sa.Engine, box: Mailbox, now: datetime | None = None) -> Upkeep:
    """The worker's upkeep jobs on a queue of their own, mailing to `box`, at `now`."""

    mailer = SmtpMailer(
        host="127.0.0.1",
        port=box.port,
        sender="Back Pain Relief <no-reply@backpain.example>",
        security=SmtpSecurity.NONE,
        timeout=5,
    )
    queue = make_queue("memory://", f"upkeep-{uuid.uuid4().hex[:8]}")
    return register_account_upkeep(
        queue, lambda: engine, lambda: mailer, (lambda: now) if now is not None else utcnow
    )


def test_the_worker_sends_what_waited_in_the_outbox_once(
    engine: sa.Engine, outside_mailbox: Mailbox
) -> None:
    address = f"waiting-{uuid.uuid4().hex[:8]}@example.com"
    with Session(engine) as db:
        row = enqueue(
            db,
            user_id=None,
            to=address,
            template="password_changed",
            context={"name": None},
            now=utcnow() - timedelta(seconds=1),
        )
        db.commit()
        row_id = row.id
    upkeep = upkeep_on(engine, outside_mailbox)
    assert upkeep.deliver_email.call_local() >= 1
    assert upkeep.deliver_email.call_local() == 0
    assert len(outside_mailbox.to(address)) == 1
    with Session(engine) as db:
        stored = db.get(EmailOutbox, row_id)
        assert stored is not None and stored.status == OutboxStatus.SENT
        db.delete(stored)
        db.commit()


def test_the_worker_purges_sign_ins_that_expired(
    committing_client: TestClient, engine: sa.Engine, outside_mailbox: Mailbox
) -> None:
    person = register_user(committing_client)
    person_id = uuid.UUID(person.id)

    def tokens() -> int:
        with Session(engine) as db:
            rows = db.exec(select(RefreshToken).where(col(RefreshToken.user_id) == person_id)).all()
            return len(rows)

    try:
        assert tokens() >= 1
        upkeep_on(engine, outside_mailbox).purge.call_local()
        assert tokens() >= 1  # still valid: kept
        later = utcnow() + timedelta(days=31)
        counts = upkeep_on(engine, outside_mailbox, now=later).purge.call_local()
        assert counts["refresh_tokens"] >= 1
        assert tokens() == 0
    finally:
        committing_client.delete("/v1/me", headers=person.headers)
