"""The depth and age of the work waiting for a worker, read from the database at each scrape:
reminders pending (or claimed by a worker whose lease ran out) and outbox emails pending."""

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.accounts.models import EmailOutbox, OutboxStatus
from app.core.clock import as_utc, utcnow
from app.reminders.models import Reminder, ReminderStatus

logger = logging.getLogger("app.metrics")


class QueueCollector(Collector):
    """`job_queue_depth{queue}` and `job_queue_oldest_age_seconds{queue}` for the reminders
    and the email outbox; a scrape while the database is down leaves them out."""

    def __init__(
        self,
        sessions: Callable[[], AbstractContextManager[Session]],
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions = sessions
        self.clock = clock

    def describe(self) -> list[GaugeMetricFamily]:
        # Nothing asked at registration: the database is read at each scrape only.
        return []

    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily("job_queue_depth", "Work waiting for a worker.", labels=["queue"])
        age = GaugeMetricFamily(
            "job_queue_oldest_age_seconds",
            "How long the oldest waiting item has been due, in seconds (0 when none waits).",
            labels=["queue"],
        )
        try:
            with self.sessions() as db:
                queues = {
                    "reminders": db.exec(
                        select(func.count(), func.min(col(Reminder.due_at))).where(
                            col(Reminder.status).in_(
                                [ReminderStatus.PENDING.value, ReminderStatus.SENDING.value]
                            )
                        )
                    ).one(),
                    "email_outbox": db.exec(
                        select(func.count(), func.min(col(EmailOutbox.created_at))).where(
                            col(EmailOutbox.status).in_(
                                [OutboxStatus.PENDING.value, OutboxStatus.SENDING.value]
                            )
                        )
                    ).one(),
                }
        except Exception as exc:
            logger.warning("queue metrics unavailable (%s)", type(exc).__name__)
            return
        now = self.clock()
        for queue, (count, oldest) in queues.items():
            depth.add_metric([queue], count)
            waited = (now - as_utc(oldest)).total_seconds() if oldest is not None else 0.0
            age.add_metric([queue], max(waited, 0.0))
        yield depth
        yield age
