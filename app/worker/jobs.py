"""The worker's jobs on huey: reminders (a periodic scan and one task per reminder), and the
accounts' upkeep (the email outbox's retries, the purge of used-up tokens).

huey gives the schedule (the scan runs every minute in whichever worker runs the scheduler),
retries (a reminder some device could not get is tried again after a delay) and a lock (one
scan at a time across workers). Exactly-once comes from the database (app.reminders.service):
a scan run twice or a task delivered twice finds the reminder claimed or finished.
"""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.exceptions import TaskLockedException
from sqlalchemy import Engine
from sqlmodel import Session

from app.accounts import outbox
from app.accounts.purge import purge_expired
from app.core.clock import utcnow
from app.core.db import writing
from app.core.mail import Mailer
from app.core.tracing import instrument_http_client, job_span
from app.reminders import service
from app.reminders.senders import HttpSender, LogSender, Sender
from app.worker.settings import SenderKind, WorkerSettings

logger = logging.getLogger("app.worker")

SCAN_LOCK = "scan-reminders"


def make_queue(url: str, name: str) -> Huey:
    """The huey instance for JOB_QUEUE_URL: Redis, a SQLite file, or memory (tests)."""
    if url.startswith(("redis://", "rediss://")):
        return RedisHuey(name, url=url)
    if url.startswith("sqlite:///"):
        return SqliteHuey(name, filename=url.removeprefix("sqlite:///"))
    if url == "memory://":
        return MemoryHuey(name)
    raise ValueError("JOB_QUEUE_URL must be redis://..., sqlite:///... or memory://")


def make_sender(settings: WorkerSettings) -> Sender:
    if settings.push_sender == SenderKind.HTTP and settings.push_gateway_url:
        sender = HttpSender(
            settings.push_gateway_url,
            timeout_seconds=settings.push_gateway_timeout_seconds,
            attempts=settings.push_gateway_attempts,
            backoff_seconds=settings.push_gateway_backoff_seconds,
        )
        instrument_http_client(sender.client)
        return sender
    return LogSender()


def policy_of(settings: WorkerSettings) -> service.Policy:
    from datetime import timedelta

    return service.Policy(
        catch_up=timedelta(minutes=settings.reminder_catch_up_minutes),
        give_up=timedelta(minutes=settings.reminder_give_up_minutes),
        lease=timedelta(seconds=settings.reminder_lease_seconds),
        max_attempts=settings.reminder_max_attempts,
    )


@dataclass(frozen=True)
class Jobs:
    queue: Huey
    scan: Any
    """Periodic: finds what came due and queues a send per reminder."""
    send: Any
    """Sends one reminder (its id as text)."""


def register_jobs(
    queue: Huey,
    engine: Callable[[], Engine],
    sender: Sender,
    policy: service.Policy,
    retry_delay_seconds: int,
    clock: Callable[[], datetime] = utcnow,
) -> Jobs:
    @queue.task(retries=policy.max_attempts, retry_delay=retry_delay_seconds, name="send_reminder")
    def send_reminder(reminder_id: str) -> str:
        with job_span("send_reminder", **{"app.reminder.id": reminder_id}) as span:
            result = service.process(engine(), uuid.UUID(reminder_id), sender, policy, clock)
            span.set_attribute("app.reminder.result", result.value)
            logger.info("reminder", extra={"reminder_id": reminder_id, "result": result.value})
        if result == service.Result.RETRY:
            # huey tries again after the delay; the reminder is pending meanwhile.
            raise service.RetryLater(reminder_id)
        return result.value

    @queue.periodic_task(crontab(minute="*"), name="scan_reminders")
    def scan_reminders() -> int:
        try:
            with queue.lock_task(SCAN_LOCK), job_span("scan_reminders"):
                ids = service.schedule_due(engine(), clock(), policy)
        except TaskLockedException:
            return 0  # another worker is scanning right now
        for reminder_id in ids:
            send_reminder(str(reminder_id))
        return len(ids)

    return Jobs(queue=queue, scan=scan_reminders, send=send_reminder)


@dataclass(frozen=True)
class Upkeep:
    deliver_email: Any
    """Periodic: sends outbox messages whose delivery after their request failed."""
    purge: Any
    """Periodic: removes expired and used-up sign-in and email tokens, and old sent mail."""


def register_account_upkeep(
    queue: Huey,
    engine: Callable[[], Engine],
    mailer: Callable[[], Mailer | None],
    clock: Callable[[], datetime] = utcnow,
) -> Upkeep:
    """The account jobs every deployment needs once a worker runs; both are safe to run in
    several workers at once (outbox rows are claimed one by one; a purge deletes by rule)."""

    @queue.periodic_task(crontab(minute="*"), name="deliver_email")
    def deliver_email() -> int:
        # Each message sent has its own span, linked to the request that queued it.
        sent = outbox.deliver_pending(lambda: Session(writing(engine())), mailer(), clock=clock)
        if sent:
            logger.info("email outbox: %d sent", sent)
        return sent

    @queue.periodic_task(crontab(minute="17"), name="purge_accounts")
    def purge_accounts() -> dict[str, int]:
        with job_span("purge_accounts"), Session(writing(engine())) as db:
            counts = purge_expired(db, clock())
            db.commit()
        logger.info("purged %s", ", ".join(f"{n} {kind}" for kind, n in counts.items()))
        return counts

    return Upkeep(deliver_email=deliver_email, purge=purge_accounts)
