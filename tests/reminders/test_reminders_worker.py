"""The reminder loop on a real database with real commits: reminders fire at 07:30 local
across the 2026 DST changes, two workers send each reminder once, a crash between claim and
send is retried (not lost, not doubled), and the job queue runs it all with two consumers."""

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.core.clock import as_utc
from app.reminders import service
from app.reminders.models import DeliveryStatus, Reminder, ReminderDelivery
from app.reminders.senders import Notification, Outcome
from app.routines.models import curated_routine_id
from tests.factories import AuthUser, freeze_now, register_user, set_timezone

CURATED = str(curated_routine_id("mid-back-mobility"))
EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
POLICY = service.Policy()


class RecordingSender:
    """Delivers everything and remembers what, from any thread."""

    def __init__(self, pause: float = 0.0) -> None:
        self.sent: list[Notification] = []
        self.lock = threading.Lock()
        self.pause = pause

    def send(self, notification: Notification) -> Outcome:
        if self.pause:
            time.sleep(self.pause)  # widens the window in which a second sender could act
        with self.lock:
            self.sent.append(notification)
        return Outcome(DeliveryStatus.DELIVERED, attempts=1)

    def for_users(self, devices: set[str]) -> list[Notification]:
        return [n for n in self.sent if str(n.device_id) in devices]


@dataclass
class Person:
    user: AuthUser
    plan_id: str
    device_id: str
    timezone: str


@pytest.fixture()
def committing_client(engine: sa.Engine) -> Iterator[TestClient]:
    from app.core.config import get_settings
    from app.core.ratelimit import install_rate_limiting
    from app.main import app

    # A fresh sign-up allowance: these tests register several people.
    install_rate_limiting(app, get_settings())
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture()
def people(committing_client: TestClient, engine: sa.Engine) -> Iterator[list[Person]]:
    """Registered with real commits; their accounts (and everything of theirs) go after."""
    made: list[Person] = []
    yield made
    with Session(engine) as db:
        for person in made:
            db.execute(sa.delete(User).where(col(User.id) == uuid.UUID(person.user.id)))
        db.commit()


def make_person(
    client: TestClient,
    people: list[Person],
    timezone: str,
    locale: str = "en-US",
    **plan: Any,
) -> Person:
    user = register_user(client)
    set_timezone(client, user, timezone)
    body = {
        "routine_id": CURATED,
        "weekdays": EVERY_DAY,
        "local_time": "07:30",
        "start_date": "2026-01-01",
    } | plan
    created = client.post("/v1/plans", json=body, headers=user.headers)
    assert created.status_code == 201, created.text
    device = client.post(
        "/v1/me/devices",
        json={
            "token": f"tok-{uuid.uuid4().hex}",
            "platform": "android",
            "app_version": "1.0.0",
            "locale": locale,
        },
        headers=user.headers,
    )
    assert device.status_code == 201, device.text
    person = Person(user, created.json()["id"], device.json()["id"], timezone)
    people.append(person)
    return person


def reminder_rows(engine: sa.Engine, person: Person) -> list[Reminder]:
    with Session(engine) as db:
        return list(
            db.exec(
                select(Reminder)
                .where(Reminder.plan_id == uuid.UUID(person.plan_id))
                .order_by(col(Reminder.local_date))
            ).all()
        )


def deliveries(engine: sa.Engine, person: Person) -> list[tuple[str, int]]:
    with Session(engine) as db:
        rows = db.exec(
            select(ReminderDelivery.status, ReminderDelivery.attempts)
            .join(Reminder, col(Reminder.id) == ReminderDelivery.reminder_id)
            .where(Reminder.plan_id == uuid.UUID(person.plan_id))
        ).all()
        return [(status, attempts) for status, attempts in rows]


def run_worker_at(engine: sa.Engine, now: datetime, sender: RecordingSender) -> list[str]:
    """One scan at `now` and the sends it queues, as a worker would; the results."""
    ids = service.schedule_due(engine, now, POLICY)
    return [service.process(engine, i, sender, POLICY, lambda: now).value for i in ids]


DST_DAYS = {
    "Europe/Berlin": [
        "2026-03-28",
        "2026-03-29",
        "2026-03-30",
        "2026-10-24",
        "2026-10-25",
        "2026-10-26",
    ],
    "America/Chicago": [
        "2026-03-07",
        "2026-03-08",
        "2026-03-09",
        "2026-10-31",
        "2026-11-01",
        "2026-11-02",
    ],
}


def test_0730_plans_fire_at_0730_local_across_both_2026_dst_changes(
    committing_client: TestClient, engine: sa.Engine, people: list[Person]
) -> None:
    sender = RecordingSender()
    for timezone, days in DST_DAYS.items():
        person = make_person(committing_client, people, timezone)
        mine = {person.device_id}
        zone = ZoneInfo(timezone)
        for text in days:
            day = date.fromisoformat(text)
            local_0730 = datetime(day.year, day.month, day.day, 7, 30, tzinfo=zone)
            due = local_0730.astimezone(UTC)
            # The worker scans every minute: in the hour before, nothing for this person (an
            # hour off either way would show), at 07:30 local exactly one reminder.
            for minutes in (65, 60, 59, 31, 30, 29, 5, 1):
                run_worker_at(engine, due - timedelta(minutes=minutes), sender)
                assert not [n for n in sender.for_users(mine) if n.data["local_date"] == text]
            run_worker_at(engine, due, sender)
            run_worker_at(engine, due + timedelta(minutes=1), sender)
            got = [n for n in sender.for_users(mine) if n.data["local_date"] == text]
            assert len(got) == 1, (timezone, text)
        rows = reminder_rows(engine, person)
        assert [str(r.local_date) for r in rows] == days
        for row in rows:
            due_local = as_utc(row.due_at).astimezone(zone)
            assert (due_local.hour, due_local.minute) == (7, 30)
            assert row.status == "sent"


def test_two_workers_at_once_send_each_reminder_once(
    committing_client: TestClient, engine: sa.Engine, people: list[Person]
) -> None:
    crowd = [make_person(committing_client, people, "Europe/Berlin") for _ in range(4)]
    mine = {p.device_id for p in crowd}
    now = datetime(2026, 6, 3, 5, 30, 20, tzinfo=UTC)  # 07:30:20 in Berlin
    sender = RecordingSender(pause=0.01)
    start = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            run_worker_at(engine, now, sender)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    sent = sender.for_users(mine)
    assert sorted(str(n.device_id) for n in sent) == sorted(mine)
    for person in crowd:
        assert [(str(r.local_date), r.status) for r in reminder_rows(engine, person)] == [
            ("2026-06-03", "sent")
        ]
        assert deliveries(engine, person) == [("delivered", 1)]


class Crash(BaseException):
    """The process dies: nothing after this line runs."""


def test_a_crash_between_claim_and_send_is_retried_not_lost_nor_doubled(
    committing_client: TestClient, engine: sa.Engine, people: list[Person]
) -> None:
    person = make_person(committing_client, people, "America/Chicago")
    now = datetime(2026, 6, 3, 12, 30, 5, tzinfo=UTC)  # 07:30:05 in Chicago (CDT)
    (reminder_id,) = [
        i for i in service.schedule_due(engine, now, POLICY) if plan_of(engine, i) == person.plan_id
    ]

    class CrashingSender(RecordingSender):
        def send(self, notification: Notification) -> Outcome:
            raise Crash()

    with pytest.raises(Crash):
        service.process(engine, reminder_id, CrashingSender(), POLICY, lambda: now)
    assert [r.status for r in reminder_rows(engine, person)] == ["sending"]

    sender = RecordingSender()
    # While the dead worker's claim is fresh, nobody else sends it, and a scan skips it.
    later = now + timedelta(minutes=1)
    assert reminder_id not in service.schedule_due(engine, later, POLICY)
    assert (
        service.process(engine, reminder_id, sender, POLICY, lambda: later).value == "not_claimed"
    )
    assert sender.sent == []
    # Once the lease is over, the next scan queues it and it is sent, once.
    after_lease = now + POLICY.lease + timedelta(seconds=1)
    assert reminder_id in service.schedule_due(engine, after_lease, POLICY)
    assert service.process(engine, reminder_id, sender, POLICY, lambda: after_lease).value == "sent"
    assert (
        service.process(engine, reminder_id, sender, POLICY, lambda: after_lease).value
        == "not_claimed"
    )
    assert [str(n.device_id) for n in sender.sent] == [person.device_id]
    assert [(r.status, r.attempts) for r in reminder_rows(engine, person)] == [("sent", 2)]
    assert deliveries(engine, person) == [("delivered", 1)]


def plan_of(engine: sa.Engine, reminder_id: uuid.UUID) -> str:
    with Session(engine) as db:
        reminder = db.get(Reminder, reminder_id)
        assert reminder is not None
        return str(reminder.plan_id)


# The scan's moment: the session logged that morning is then in the past.
@pytest.mark.time_machine(datetime(2026, 6, 3, 5, 30, tzinfo=UTC))
def test_done_and_paused_plans_are_not_reminded(
    committing_client: TestClient, engine: sa.Engine, people: list[Person]
) -> None:
    done = make_person(committing_client, people, "Europe/Berlin")
    paused = make_person(committing_client, people, "Europe/Berlin", paused=True)
    logged = committing_client.post(
        "/v1/progress/sessions",
        json={
            "routine_id": CURATED,
            "area": "mid",
            "started_at": "2026-06-03T06:00:00+02:00",
            "completed_at": "2026-06-03T06:20:00+02:00",
            "pain_before": 4,
            "pain_after": 3,
            "exercises": [{"exercise_slug": "cat-camel", "sets": 1, "reps": 5}],
        },
        headers=done.user.headers,
    )
    assert logged.status_code == 201, logged.text
    sender = RecordingSender()
    run_worker_at(engine, datetime(2026, 6, 3, 5, 30, 30, tzinfo=UTC), sender)
    assert sender.for_users({done.device_id, paused.device_id}) == []
    assert [r.status for r in reminder_rows(engine, done)] == ["skipped"]
    assert reminder_rows(engine, paused) == []


def test_a_worker_that_was_down_catches_up_but_not_forever(
    committing_client: TestClient, engine: sa.Engine, people: list[Person]
) -> None:
    person = make_person(committing_client, people, "Europe/Berlin")
    sender = RecordingSender()
    due = datetime(2026, 6, 3, 5, 30, tzinfo=UTC)
    run_worker_at(engine, due + POLICY.catch_up + timedelta(minutes=1), sender)
    assert reminder_rows(engine, person) == []  # too late to be useful
    run_worker_at(engine, datetime(2026, 6, 4, 5, 50, tzinfo=UTC), sender)  # 20 minutes late
    assert [str(r.local_date) for r in reminder_rows(engine, person)] == ["2026-06-04"]
    assert len(sender.for_users({person.device_id})) == 1


# --- the job queue: two huey consumers on one queue -------------------------------------


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis(socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.fixture(params=["redis", "sqlite"])
def queue_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    if request.param == "redis":
        if not redis_available():
            pytest.skip("no Redis at 127.0.0.1:6379")
        return "redis://127.0.0.1:6379/0"
    return f"sqlite:///{tmp_path / 'jobs.db'}"


@pytest.fixture()
def keep_signal_handlers() -> Iterator[None]:
    """A consumer installs handlers for the process it runs in; put pytest's back."""
    import signal

    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def test_two_consumers_on_one_queue_send_each_reminder_once(
    committing_client: TestClient,
    engine: sa.Engine,
    people: list[Person],
    queue_url: str,
    keep_signal_handlers: None,
) -> None:
    from app.worker.jobs import make_queue, register_jobs

    crowd = [make_person(committing_client, people, "Europe/Berlin") for _ in range(3)]
    mine = {p.device_id for p in crowd}
    now = datetime(2026, 6, 5, 5, 30, 10, tzinfo=UTC)
    sender = RecordingSender(pause=0.01)
    name = f"backpain-test-{uuid.uuid4().hex[:12]}"  # a queue (and key prefix) of its own
    # Two workers: two queue objects on the same storage, as two processes would have.
    workers = [
        register_jobs(make_queue(queue_url, name), lambda: engine, sender, POLICY, 1, lambda: now)
        for _ in range(2)
    ]
    consumers = [w.queue.create_consumer(workers=2, periodic=False) for w in workers]
    try:
        for consumer in consumers:
            consumer.start()
        # Both schedulers fire the periodic scan (as after a lock was flushed), and a send
        # task is queued twice, as a retry racing the scan would.
        for w in workers:
            w.scan()
        ids = service.schedule_due(engine, now, POLICY)
        for w in workers:
            for reminder_id in ids:
                w.send(str(reminder_id))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            finished = all([r.status for r in reminder_rows(engine, p)] == ["sent"] for p in crowd)
            if finished and workers[0].queue.pending_count() == 0:
                break
            time.sleep(0.1)
    finally:
        # Each graceful stop waits out its workers' blocking reads (a second on Redis): stop
        # both consumers at once rather than one after the other.
        stoppers = [
            threading.Thread(target=consumer.stop, kwargs={"graceful": True})
            for consumer in consumers
        ]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join()
        workers[0].queue.storage.flush_all()
    assert sorted(str(n.device_id) for n in sender.for_users(mine)) == sorted(mine)
    for person in crowd:
        assert [r.status for r in reminder_rows(engine, person)] == ["sent"]
        assert deliveries(engine, person) == [("delivered", 1)]


def checkin_red_flag(client: TestClient, person: Person, recorded_at: str, flag: str) -> None:
    body = {"recorded_at": recorded_at, "pain": 5, "red_flags": [flag]}
    response = client.post("/v1/checkins", json=body, headers=person.user.headers)
    assert response.status_code == 201, response.text
    assert response.json()["triage"]["level"] == "urgent_care"


@pytest.fixture()
def app_clock() -> Iterator[None]:
    """The app's request clock, pinned by the test with `freeze_now`, released after it."""
    from app.core.clock import request_time
    from app.main import app

    yield
    app.dependency_overrides.pop(request_time, None)


def test_an_open_urgent_concern_sends_no_exercise_reminder(
    committing_client: TestClient, engine: sa.Engine, people: list[Person], app_clock: None
) -> None:
    """On the day of a plan, an open emergency concern: no "time for your routine"; once its
    timeframe has passed, one safety follow-up ("Were you seen?"), once; after the person says
    they were seen, the exercise reminders come back."""
    person = make_person(committing_client, people, "America/Chicago")
    bystander = make_person(committing_client, people, "America/Chicago")
    freeze_now(datetime(2026, 6, 3, 11, 30, tzinfo=UTC))
    checkin_red_flag(committing_client, person, "2026-06-03T06:00:00-05:00", "saddle_numbness")
    sender = RecordingSender()

    def morning(day: int) -> list[Notification]:
        due = datetime(2026, 6, day, 12, 30, 5, tzinfo=UTC)  # 07:30:05 in Chicago (CDT)
        before = len(sender.sent)
        run_worker_at(engine, due, sender)
        return [n for n in sender.sent[before:] if str(n.device_id) == person.device_id]

    # The day of the plan: the concern opened at 06:00, its follow-up is due at 12:00.
    assert morning(3) == []
    assert [(r.status, r.outcome) for r in reminder_rows(engine, person)] == [
        ("skipped", "exercise on hold: a safety concern is open")
    ]
    # Someone else's plan is not held.
    assert [r.status for r in reminder_rows(engine, bystander)] == ["sent"]
    # The next morning the timeframe has passed: the reminder carries the follow-up instead.
    (follow_up,) = morning(4)
    assert follow_up.data["kind"] == "safety_follow_up"
    assert follow_up.body.startswith("Were you seen?")
    assert "routine" not in follow_up.title.lower()
    # Once only.
    assert morning(5) == []
    assert [r.outcome for r in reminder_rows(engine, person)] == [
        "exercise on hold: a safety concern is open",
        "safety follow-up sent instead",
        "exercise on hold: a safety concern is open",
    ]

    freeze_now(datetime(2026, 6, 5, 20, 0, tzinfo=UTC))
    state = committing_client.get("/v1/me/safety", headers=person.user.headers).json()
    (concern,) = state["concerns"]
    assert concern["follow_up_due"] is True
    closed = committing_client.post(
        f"/v1/me/safety/concerns/{concern['id']}/close",
        json={"seen_on": "2026-06-05"},
        headers=person.user.headers,
    )
    assert closed.status_code == 200, closed.text
    (reminder,) = morning(6)
    assert reminder.data["kind"] == "exercise"
    assert reminder.title.startswith("Time for")


@pytest.mark.parametrize(
    ("locale", "title", "body"),
    [
        ("es-MX", "Es la hora de ", "Toca su plan de las 07:30."),
        ("de-DE", "Zeit für ", "Ihr Plan um 07:30 Uhr ist fällig."),
        ("fr-FR", "Time for ", "Your 07:30 plan is due."),
    ],
)
def test_a_reminder_speaks_the_language_of_the_device(
    committing_client: TestClient,
    engine: sa.Engine,
    people: list[Person],
    locale: str,
    title: str,
    body: str,
) -> None:
    person = make_person(committing_client, people, "Europe/Berlin", locale=locale)
    sender = RecordingSender()
    run_worker_at(engine, datetime(2026, 6, 3, 5, 30, 5, tzinfo=UTC), sender)  # 07:30 CEST
    (reminder,) = [n for n in sender.sent if str(n.device_id) == person.device_id]
    assert reminder.title.startswith(title) and reminder.body == body
    assert reminder.locale == locale


@pytest.mark.parametrize(
    ("chosen", "locale", "title", "body"),
    [
        ("de", "es-MX", "Zeit für ", "Ihr Plan um 07:30 Uhr ist fällig."),
        ("es", "en-US", "Es la hora de ", "Toca su plan de las 07:30."),
        ("en", "de-DE", "Time for ", "Your 07:30 plan is due."),
    ],
)
def test_a_reminder_speaks_the_language_chosen_on_the_profile_over_the_devices(
    committing_client: TestClient,
    engine: sa.Engine,
    people: list[Person],
    chosen: str,
    locale: str,
    title: str,
    body: str,
) -> None:
    person = make_person(committing_client, people, "Europe/Berlin", locale=locale)
    changed = committing_client.patch(
        "/v1/me", json={"language": chosen}, headers=person.user.headers
    )
    assert changed.status_code == 200 and changed.json()["language"] == chosen
    sender = RecordingSender()
    run_worker_at(engine, datetime(2026, 6, 3, 5, 30, 5, tzinfo=UTC), sender)  # 07:30 CEST
    (reminder,) = [n for n in sender.sent if str(n.device_id) == person.device_id]
    assert reminder.title.startswith(title) and reminder.body == body
