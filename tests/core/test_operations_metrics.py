"""The operator's metrics on /metrics: the database pool, the work waiting for the worker and
how old it is, emails queued and sent, reminders by result and reason, report build time."""

import contextlib
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import Session

from app.accounts.outbox import enqueue
from app.reminders import service
from app.reminders.senders import LogSender
from tests.factories import AuthUser

# Older than anything another test leaves behind, so the oldest waiting email is this one.
LONG_AGO = datetime(2001, 1, 1, 12, 0, tzinfo=UTC)


def scrape(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture()
def queues_in_test_transaction(client: TestClient, db: Session) -> Iterator[None]:
    """The queue gauges read through the test's own session, which sees its uncommitted
    rows, at a pinned instant."""
    from app.main import app

    collector = app.state.metrics.collectors[0]
    sessions, clock = collector.sessions, collector.clock
    collector.sessions = lambda: contextlib.nullcontext(db)
    collector.clock = lambda: LONG_AGO + timedelta(seconds=90)
    yield
    collector.sessions, collector.clock = sessions, clock


def test_metrics_answer_an_operators_questions(
    client: TestClient,
    db: Session,
    alice: AuthUser,
    queues_in_test_transaction: None,
) -> None:
    before = scrape(client)
    enqueue(
        db,
        user_id=None,
        to="waiting@example.com",
        template="password_changed",
        context={"name": None},
        now=LONG_AGO,
    )
    db.flush()
    report = client.get(
        "/v1/me/report",
        params={"from": "2026-11-01", "to": "2026-11-24", "format": "csv"},
        headers=alice.headers,
    )
    assert report.status_code == 200, report.text
    # The worker's step for a reminder that is no longer there, on the test's connection.
    gone = service.process(db.connection(), uuid.uuid4(), LogSender())  # type: ignore[arg-type]
    assert gone == service.Result.NOT_CLAIMED
    after = scrape(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("job_queue_depth", queue="email_outbox") == 1
    assert value(after, "job_queue_oldest_age_seconds", queue="email_outbox") == 90
    assert ("job_queue_depth", (("queue", "reminders"),)) in after
    assert grew("emails_total", event="queued") == 1
    assert grew("report_generation_seconds_count", format="csv") == 1
    assert grew("reminders_total", result="not_claimed", reason="claimed_elsewhere") == 1
    # The test's session holds a connection of the pool for as long as it runs.
    assert value(after, "db_pool_connections_in_use") >= 1
    assert ("db_pool_checkouts_waiting", ()) in after
    assert (
        "http_requests_total",
        (("method", "GET"), ("route", "/v1/me/report"), ("status", "200")),
    ) in after
