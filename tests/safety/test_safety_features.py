"""Every feature obeys the one safety state: for each source of a concern and each timeframe,
what plans/today, the reminder worker, routines, sessions, the summary and a signed-in
recommendation show, through the API (and the worker itself), on a real database."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, col

from app.accounts.models import User
from app.core.db import writing
from app.reminders import service as reminders
from app.reminders.models import DeliveryStatus
from app.reminders.senders import Notification, Outcome
from app.routines.models import curated_routine_id
from app.safety import service as safety
from app.safety.schemas import CareTimeframe, ConcernSource
from tests.factories import AuthUser, freeze_now, register_user

ROUTINE = str(curated_routine_id("lower-back-relief"))
OPENED = datetime(2026, 5, 1, 6, 0, tzinfo=UTC)
# Four days on, every timeframe has passed and its follow-up is due.
FIRST_REMINDER = datetime(2026, 5, 5, 7, 30, 5, tzinfo=UTC)
NOW = datetime(2026, 5, 6, 12, 0, tzinfo=UTC)

NOW_, TODAY, SOON = CareTimeframe.NOW, CareTimeframe.TODAY, CareTimeframe.SOON
CHECKIN, RECOMMENDATION, SESSION = (
    ConcernSource.CHECKIN,
    ConcernSource.RECOMMENDATION,
    ConcernSource.SESSION,
)
PEG, TREND = ConcernSource.PEG, ConcernSource.DIARY_TREND


@dataclass(frozen=True)
class Shows:
    """What each feature shows while the concern is open."""

    plans_today: str  # "held": nothing due, the guidance instead; "due": the plan
    reminders: str  # "follow_up": one safety follow-up, once; "exercise": the usual reminder
    routines: str  # the `exercise` the routines lead with: "on_hold" or "allowed"
    session: str  # the advice a session gets: "guidance" (the concern's) or "none"
    summary: str  # the summary's `exercise`
    recommendation: str  # "held": no moves, the concern's triage; "cleared": the clear screen
    # closed the concern and the moves come; "moves": moves, the concern shown beside them


HELD = Shows("held", "follow_up", "on_hold", "guidance", "on_hold", "held")
# A see-a-doctor-first concern raised by a screen holds the moves its triage held back; a
# later clear screen (this recommendation) closes it.
HELD_UNTIL_CLEAR = Shows("held", "follow_up", "on_hold", "guidance", "on_hold", "cleared")
# A trend's concern asks for a review and keeps the moves, shown beside them.
SHOWN = Shows("due", "exercise", "allowed", "none", "allowed", "moves")

TABLE: dict[tuple[ConcernSource, CareTimeframe], Shows] = {
    (CHECKIN, NOW_): HELD,
    (CHECKIN, TODAY): HELD,
    (CHECKIN, SOON): HELD_UNTIL_CLEAR,
    (RECOMMENDATION, NOW_): HELD,
    (RECOMMENDATION, TODAY): HELD,
    (RECOMMENDATION, SOON): HELD_UNTIL_CLEAR,
    (SESSION, NOW_): HELD,
    (SESSION, TODAY): HELD,
    (SESSION, SOON): HELD_UNTIL_CLEAR,
    (PEG, NOW_): HELD,
    (PEG, TODAY): HELD,
    (PEG, SOON): SHOWN,
    (TREND, NOW_): HELD,
    (TREND, TODAY): HELD,
    (TREND, SOON): SHOWN,
}


def test_the_table_covers_every_source_and_timeframe() -> None:
    assert set(TABLE) == {(s, t) for s in ConcernSource for t in (NOW_, TODAY, SOON)}


class Sender:
    def __init__(self) -> None:
        self.sent: list[Notification] = []

    def send(self, notification: Notification) -> Outcome:
        self.sent.append(notification)
        return Outcome(DeliveryStatus.DELIVERED, attempts=1)


@pytest.fixture()
def committing_client(engine: sa.Engine) -> Iterator[TestClient]:
    from app.core.clock import request_time
    from app.core.config import get_settings
    from app.core.ratelimit import install_rate_limiting
    from app.main import app

    install_rate_limiting(app, get_settings())
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    app.dependency_overrides.pop(request_time, None)


@pytest.fixture()
def person(committing_client: TestClient, engine: sa.Engine) -> Iterator[AuthUser]:
    """Someone with a plan every day at 07:30 UTC and a phone; gone after the test."""
    user = register_user(committing_client)
    plan = {
        "routine_id": ROUTINE,
        "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "local_time": "07:30",
        "start_date": OPENED.date().isoformat(),
    }
    assert committing_client.post("/v1/plans", json=plan, headers=user.headers).is_success
    device = {
        "token": f"tok-{uuid.uuid4().hex}",
        "platform": "ios",
        "app_version": "1.0.0",
        "locale": "en-GB",
    }
    assert committing_client.post("/v1/me/devices", json=device, headers=user.headers).is_success
    yield user
    with Session(engine) as db:
        db.execute(sa.delete(User).where(col(User.id) == uuid.UUID(user.id)))
        db.commit()


def raise_concern(
    engine: sa.Engine, user: AuthUser, source: ConcernSource, tf: CareTimeframe
) -> str:
    with Session(writing(engine)) as db:
        safety.report(
            db,
            uuid.UUID(user.id),
            safety.Report(
                source=source,
                source_id=None,
                reported_at=OPENED,
                local_date=OPENED.date(),
                timeframe=tf,
                reasons=[f"A {tf.value} concern from a {source.value}."],
            ),
            OPENED,
        )
        db.commit()
    with Session(engine) as db:
        (concern,) = safety.concerns_of(db, uuid.UUID(user.id))
        return safety.guidance_of(concern)


def worker_sends(engine: sa.Engine, at: datetime, sender: Sender, device: str) -> list[str]:
    before = len(sender.sent)
    for reminder_id in reminders.schedule_due(engine, at, reminders.Policy()):
        reminders.process(engine, reminder_id, sender, reminders.Policy(), lambda: at)
    return [n.data["kind"] for n in sender.sent[before:] if str(n.device_id) == device]


@pytest.mark.parametrize(("source", "timeframe"), list(TABLE))
def test_what_each_feature_shows(
    committing_client: TestClient,
    engine: sa.Engine,
    person: AuthUser,
    source: ConcernSource,
    timeframe: CareTimeframe,
) -> None:
    expected = TABLE[(source, timeframe)]
    client, headers = committing_client, person.headers
    guidance = raise_concern(engine, person, source, timeframe)

    # The reminder worker, on two mornings after the follow-up came due.
    device = client.get("/v1/me/devices", headers=headers).json()["data"][0]["id"]
    sender = Sender()
    first = worker_sends(engine, FIRST_REMINDER, sender, device)
    second = worker_sends(engine, FIRST_REMINDER + timedelta(days=1), sender, device)
    if expected.reminders == "follow_up":
        assert (first, second) == (["safety_follow_up"], [])
    else:
        assert (first, second) == (["exercise"], ["exercise"])

    freeze_now(NOW)
    state = client.get("/v1/me/safety", headers=headers).json()
    (concern,) = state["concerns"]
    assert (concern["source"], concern["timeframe"]) == (source.value, timeframe.value)
    assert concern["follow_up_due"] is True

    today = client.get("/v1/plans/today", headers=headers).json()
    assert today["date"] == date(2026, 5, 6).isoformat()
    assert today["safety"]["message"] == guidance
    assert bool(today["data"]) is (expected.plans_today == "due")

    routines = client.get("/v1/routines", headers=headers).json()
    one = client.get(f"/v1/routines/{ROUTINE}", headers=headers).json()
    for shown in (routines, one):
        assert next(iter(shown)) == "safety"
        assert shown["safety"]["exercise"] == expected.routines
        assert shown["safety"]["message"] == guidance

    summary = client.get("/v1/progress/summary", headers=headers).json()
    assert summary["safety"]["exercise"] == expected.summary
    assert summary["safety"]["timeframe"] == timeframe.value

    logged = client.post(
        "/v1/progress/sessions",
        json={
            "routine_id": ROUTINE,
            "area": "lower",
            "started_at": "2026-05-06T07:30:00Z",
            "completed_at": "2026-05-06T07:45:00Z",
            "pain_before": 3,
            "pain_after": 3,
            "exercises": [{"exercise_slug": "knee-rolls", "sets": 1, "reps": 8}],
        },
        headers=headers,
    )
    assert logged.status_code == 201, logged.text  # stored whatever the state
    advice = logged.json()["advice"]
    assert advice == (guidance if expected.session == "guidance" else None)

    answer = client.post(
        "/v1/recommendations",
        json={"area": "lower", "pain_level": 3, "red_flags": [], "cautions": []},
        headers=headers,
    ).json()
    after = answer["safety"]
    if expected.recommendation == "held":
        assert answer["moves"] == []
        assert (answer["triage"]["timeframe"], answer["triage"]["message"]) == (
            timeframe.value,
            guidance,
        )
        assert after["exercise"] == "on_hold"
    elif expected.recommendation == "cleared":
        assert answer["moves"] and answer["triage"]["level"] == "self_care"
        assert after["status"] == "clear"
    else:
        assert answer["moves"] and answer["triage"]["level"] == "self_care"
        assert [c["timeframe"] for c in after["concerns"]] == [timeframe.value]
        assert after["exercise"] == "allowed"
