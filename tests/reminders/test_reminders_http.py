"""The HTTP sender against a real local HTTP server: retries with backoff, one delivery
recorded, and a token the gateway calls invalid removes the device."""

import json
import threading
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.reminders import service
from app.reminders.models import Device
from app.reminders.senders import HttpSender
from tests.reminders import test_reminders_worker as loop
from tests.reminders.test_reminders_worker import (
    POLICY,
    Person,
    deliveries,
    make_person,
    reminder_rows,
)

# The same committed-data fixtures as the reminder loop's tests.
committing_client = loop.committing_client
people = loop.people


class Gateway:
    """A push gateway on 127.0.0.1 that answers with the next status in `script` (the last
    one from then on) and keeps every request it got."""

    def __init__(self, script: list[int]) -> None:
        self.script = list(script)
        self.requests: list[dict[str, Any]] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                gateway.requests.append(
                    {
                        "body": json.loads(self.rfile.read(length)),
                        "key": self.headers.get("Idempotency-Key"),
                    }
                )
                status = gateway.script.pop(0) if len(gateway.script) > 1 else gateway.script[0]
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # shutdown() waits for serve_forever's next poll: every 10 ms, not the default 0.5 s.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/push"

    def __enter__(self) -> "Gateway":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def sleeps() -> list[float]:
    return []


def sender(url: str, sleeps: list[float], attempts: int = 3) -> HttpSender:
    return HttpSender(
        url, timeout_seconds=5, attempts=attempts, backoff_seconds=0.01, sleep=sleeps.append
    )


NOW = datetime(2026, 6, 3, 5, 30, 10, tzinfo=UTC)  # 07:30:10 in Berlin


def reminder_of(engine: sa.Engine, person: Person) -> uuid.UUID:
    ids = service.schedule_due(engine, NOW, POLICY)
    (found,) = [r.id for r in reminder_rows(engine, person) if r.id in ids]
    return found


def test_fails_twice_then_succeeds_records_one_delivery(
    committing_client: TestClient, engine: sa.Engine, people: list[Person], sleeps: list[float]
) -> None:
    person = make_person(committing_client, people, "Europe/Berlin")
    reminder_id = reminder_of(engine, person)
    with Gateway([503, 502, 200]) as gateway:
        result = service.process(
            engine, reminder_id, sender(gateway.url, sleeps), POLICY, lambda: NOW
        )
    assert result == service.Result.SENT
    assert deliveries(engine, person) == [("delivered", 3)]
    assert sleeps == [0.01, 0.02]  # backoff doubles
    assert len(gateway.requests) == 3
    assert {r["key"] for r in gateway.requests} == {f"{reminder_id}:{person.device_id}"}
    body = gateway.requests[0]["body"]
    assert body["platform"] == "android" and body["locale"] == "en-US"
    assert body["data"]["local_date"] == "2026-06-03" and body["data"]["plan_id"] == person.plan_id
    assert [r.status for r in reminder_rows(engine, person)] == ["sent"]


def test_an_invalid_token_answer_removes_the_device(
    committing_client: TestClient, engine: sa.Engine, people: list[Person], sleeps: list[float]
) -> None:
    person = make_person(committing_client, people, "Europe/Berlin")
    reminder_id = reminder_of(engine, person)
    with Gateway([410]) as gateway:
        service.process(engine, reminder_id, sender(gateway.url, sleeps), POLICY, lambda: NOW)
    assert len(gateway.requests) == 1
    assert deliveries(engine, person) == [("invalid_token", 1)]
    with Session(engine) as db:
        assert db.get(Device, uuid.UUID(person.device_id)) is None
    listed = committing_client.get("/v1/me/devices", headers=person.user.headers).json()
    assert listed["data"] == []


def test_a_gateway_that_stays_down_leaves_the_reminder_for_a_retry(
    committing_client: TestClient, engine: sa.Engine, people: list[Person], sleeps: list[float]
) -> None:
    person = make_person(committing_client, people, "Europe/Berlin")
    reminder_id = reminder_of(engine, person)
    with Gateway([503]) as gateway:
        result = service.process(
            engine, reminder_id, sender(gateway.url, sleeps), POLICY, lambda: NOW
        )
    assert result == service.Result.RETRY
    assert [(r.status, r.attempts) for r in reminder_rows(engine, person)] == [("pending", 1)]
    assert deliveries(engine, person) == [("failed", 3)]
    with Gateway([200]) as gateway:
        result = service.process(
            engine, reminder_id, sender(gateway.url, sleeps), POLICY, lambda: NOW
        )
    assert result == service.Result.SENT
    assert deliveries(engine, person) == [("delivered", 4)]


def test_a_refused_notification_is_not_retried_by_the_sender(sleeps: list[float]) -> None:
    from app.reminders.senders import Notification

    note = Notification(uuid.uuid4(), uuid.uuid4(), "tok", "ios", "en", "t", "b")
    with Gateway([400]) as gateway:
        outcome = sender(gateway.url, sleeps).send(note)
    assert (outcome.status.value, outcome.attempts, outcome.detail) == ("failed", 1, "HTTP 400")
    # Nothing listens on a closed port: connection errors are retried, then reported.
    outcome = sender(gateway.url, sleeps, attempts=2).send(note)
    assert (outcome.status.value, outcome.attempts) == ("failed", 2)
