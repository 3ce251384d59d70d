"""Plans, devices and reminder history belong to the person: declared for the account export
and deletion, and gone when the account is deleted."""

import uuid
from datetime import UTC, date, datetime

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.plans.models import Plan, PlanPause
from app.plans.privacy import PERSONAL_DATA as PLANS_DATA
from app.reminders.models import Device, Reminder, ReminderDelivery
from app.reminders.privacy import PERSONAL_DATA as REMINDERS_DATA
from app.routines.models import curated_routine_id
from tests.factories import AuthUser, register_user

CURATED = str(curated_routine_id("mid-back-mobility"))
SOURCES = (*PLANS_DATA, *REMINDERS_DATA)


def setup_person(client: TestClient, db: Session) -> tuple[AuthUser, str, str]:
    user = register_user(client)
    plan = client.post(
        "/v1/plans",
        json={
            "routine_id": CURATED,
            "weekdays": ["mon"],
            "local_time": "07:30",
            "start_date": "2026-06-01",
            "paused": True,
        },
        headers=user.headers,
    ).json()
    device = client.post(
        "/v1/me/devices",
        json={
            "token": f"tok-{uuid.uuid4().hex}",
            "platform": "web",
            "app_version": "1",
            "locale": "en",
        },
        headers=user.headers,
    ).json()
    reminder = Reminder(
        plan_id=uuid.UUID(plan["id"]),
        user_id=uuid.UUID(user.id),
        local_date=date(2026, 6, 1),
        due_at=datetime(2026, 6, 1, 7, 30, tzinfo=UTC),
        status="sent",
        attempts=1,
    )
    db.add(reminder)
    db.flush()
    db.add(
        ReminderDelivery(
            reminder_id=reminder.id,
            device_id=uuid.UUID(device["id"]),
            platform="web",
            status="delivered",
            attempts=1,
        )
    )
    db.flush()
    return user, plan["id"], device["id"]


def test_every_source_exports_the_persons_rows(client: TestClient, db: Session) -> None:
    user, plan_id, device_id = setup_person(client, db)
    sections = {s.section: s for s in SOURCES}
    assert set(sections) == {"plans", "devices", "reminders"}
    owner = uuid.UUID(user.id)
    (plan,) = sections["plans"].export(db, owner)
    assert (str(plan.id), plan.paused) == (plan_id, True)
    (device,) = sections["devices"].export(db, owner)
    assert str(device.id) == device_id
    (reminder,) = sections["reminders"].export(db, owner)
    assert str(reminder.plan_id) == plan_id
    assert [(str(d.device_id), d.status.value) for d in reminder.deliveries] == [
        (device_id, "delivered")
    ]
    tables = {t for s in sections.values() for t in s.tables}
    assert {Plan, PlanPause, Device, Reminder, ReminderDelivery} <= tables


def test_every_source_deletes_the_persons_rows(client: TestClient, db: Session) -> None:
    user, _, _ = setup_person(client, db)
    other, _, _ = setup_person(client, db)
    for source in SOURCES:
        source.delete(db, uuid.UUID(user.id))
    db.flush()
    assert rows_of(db, user) == {"plan": 0, "device": 0, "reminder": 0}
    assert rows_of(db, other) == {"plan": 1, "device": 1, "reminder": 1}


def rows_of(db: Session, user: AuthUser) -> dict[str, int]:
    owner = uuid.UUID(user.id)
    return {
        "plan": len(db.exec(select(Plan).where(col(Plan.user_id) == owner)).all()),
        "device": len(db.exec(select(Device).where(col(Device.user_id) == owner)).all()),
        "reminder": len(db.exec(select(Reminder).where(col(Reminder.user_id) == owner)).all()),
    }


def test_deleting_the_account_removes_plans_devices_and_reminders(
    client: TestClient, db: Session
) -> None:
    user, _, _ = setup_person(client, db)
    owner = uuid.UUID(user.id)
    (reminder_id,) = db.exec(select(Reminder.id).where(col(Reminder.user_id) == owner)).all()
    assert client.delete("/v1/me", headers=user.headers).status_code == 204
    db.expire_all()
    assert rows_of(db, user) == {"plan": 0, "device": 0, "reminder": 0}
    left = db.exec(
        select(ReminderDelivery).where(col(ReminderDelivery.reminder_id) == reminder_id)
    ).all()
    assert left == []
