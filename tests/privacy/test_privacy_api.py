"""Export and deletion cover every domain: each declares its personal data in its own
`privacy.py`, the app factory hands them all to the export and the deletion, a person with data
everywhere gets every section and leaves no row behind, and a table with a `user_id` (or any
reference to an account) that no source names fails here."""

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from app.main import PERSONAL_DATA
from app.models import import_all_models
from app.reminders.models import Reminder, ReminderDelivery
from app.routines.models import curated_routine_id
from tests.factories import AFTER_SAMPLES, AuthUser, create_routine, log_session, register_user

APP = Path(__file__).resolve().parents[2] / "app"
ACCOUNT_TABLE = "user_account"
NOW = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)


def _personal_tables() -> dict[str, str]:
    """Each table holding a person's rows, and the column that names the person."""
    import_all_models()
    found = {}
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            refers = any(fk.column.table.name == ACCOUNT_TABLE for fk in column.foreign_keys)
            if refers or column.name == "user_id":
                found[table.name] = column.name
    return found


def _rows(db: Session, user: AuthUser) -> dict[str, int]:
    """How many rows of the person each personal table holds."""
    metadata = SQLModel.metadata.tables
    counts = {}
    for name, column in _personal_tables().items():
        table = metadata[name]
        query = select(func.count()).select_from(table).where(table.c[column] == uuid.UUID(user.id))
        counts[name] = db.execute(query).scalar_one()
    return counts


def test_every_table_with_a_persons_rows_is_exported_and_deleted() -> None:
    covered = {t.__tablename__ for source in PERSONAL_DATA for t in source.tables}
    missing = sorted(set(_personal_tables()) - covered)
    assert missing == [], (
        f"tables holding a user_id that no personal data source names: {missing}; declare "
        "them in the domain's privacy.py and hand them over in app.main"
    )
    assert "progress_session" in _personal_tables()  # the check sees what it should


@pytest.fixture()
def everywhere(
    client: TestClient, db: Session, time_machine: time_machine.TimeMachineFixture
) -> AuthUser:
    """Someone with data in every domain: routines, a session, a plan and its reminder on a
    device, a check-in with a warning sign (a safety concern and an attention item), a PEG
    response and a share link."""
    time_machine.move_to(NOW, tick=False)
    user = register_user(client)
    routine = create_routine(client, user)
    log_session(client, user, routine_id=routine["id"])
    client.delete(f"/v1/routines/{create_routine(client, user)['id']}", headers=user.headers)
    plan = client.post(
        "/v1/plans",
        json={
            "routine_id": str(curated_routine_id("mid-back-mobility")),
            "weekdays": ["mon"],
            "local_time": "07:30",
            "start_date": "2026-11-23",
        },
        headers=user.headers,
    )
    device = client.post(
        "/v1/me/devices",
        json={
            "token": f"tok-{uuid.uuid4().hex}",
            "platform": "web",
            "app_version": "1",
            "locale": "en",
        },
        headers=user.headers,
    )
    assert (plan.status_code, device.status_code) == (201, 201)
    # The worker's part: a reminder of the plan, delivered to the device.
    reminder = Reminder(
        plan_id=uuid.UUID(plan.json()["id"]),
        user_id=uuid.UUID(user.id),
        local_date=date(2026, 11, 23),
        due_at=datetime(2026, 11, 23, 7, 30, tzinfo=UTC),
        status="sent",
        attempts=1,
    )
    db.add(reminder)
    db.flush()
    db.add(
        ReminderDelivery(
            reminder_id=reminder.id,
            device_id=uuid.UUID(device.json()["id"]),
            platform="web",
            status="delivered",
            attempts=1,
        )
    )
    db.flush()
    checkin = {"recorded_at": "2026-11-20T12:00:00Z", "pain": 4, "red_flags": ["night_pain"]}
    peg = {"answered_at": "2026-11-20T12:00:00Z", "pain": 5, "enjoyment": 4, "activity": 6}
    link = {"from": "2026-11-01", "to": "2026-11-24", "expires_in_days": 14}
    created = {}
    for path, body in [
        ("/v1/checkins", checkin),
        ("/v1/outcomes/peg/responses", peg),
        ("/v1/me/shares", link),
    ]:
        response = client.post(path, json=body, headers=user.headers)
        assert response.status_code == 201, response.text
        created[path] = response.json()
    (item,) = client.get("/v1/progress/attention", headers=user.headers).json()["data"]
    deleted = log_session(client, user)["id"]
    for answer in (
        client.post(f"/v1/progress/attention/{item['id']}/acknowledge", headers=user.headers),
        client.get(created["/v1/me/shares"]["url"].removeprefix("http://testserver")),
        client.delete(f"/v1/progress/sessions/{deleted}", headers=user.headers),
    ):
        assert answer.status_code < 300, answer.text
    return user


def test_the_export_has_every_domains_data(client: TestClient, everywhere: AuthUser) -> None:
    response = client.get("/v1/me/export", headers=everywhere.headers)
    assert response.status_code == 200
    export = response.json()
    sections = {source.section for source in PERSONAL_DATA}
    assert set(export) == {"exported_at"} | sections
    assert [section for section in sorted(sections) if not export[section]] == []
    assert export["user"]["id"] == everywhere.id


def test_deleting_the_account_deletes_every_domains_data(
    client: TestClient, db: Session, everywhere: AuthUser
) -> None:
    before = _rows(db, everywhere)
    empty = sorted(name for name, count in before.items() if count == 0)
    # The only rows this person has none of: a streak needs sessions on days in a row.
    assert set(empty) <= {"progress_streak"}, empty
    other = register_user(client)
    log_session(client, other)
    kept = _rows(db, other)
    assert client.delete("/v1/me", headers=everywhere.headers).status_code == 204
    db.expire_all()
    assert _rows(db, everywhere) == dict.fromkeys(before, 0)
    assert _rows(db, other) == kept
    assert client.get("/v1/me", headers=everywhere.headers).status_code == 401


@pytest.mark.time_machine(AFTER_SAMPLES)
def test_deleting_the_account_leaves_no_row_of_it_anywhere(client: TestClient, db: Session) -> None:
    user = register_user(client)
    routine = create_routine(client, user)
    log_session(client, user, routine_id=routine["id"])
    logged = log_session(client, user)
    client.delete(f"/v1/progress/sessions/{logged['id']}", headers=user.headers)
    client.delete(f"/v1/routines/{create_routine(client, user)['id']}", headers=user.headers)
    client.post("/v1/auth/password-reset", json={"email": user.email})

    before = _rows(db, user)
    assert all(before[t] > 0 for t in ("refresh_token", "consent_record", "email_outbox"))
    assert before["progress_session"] > 0 and before["routine_tombstone"] > 0
    assert client.delete("/v1/me", headers=user.headers).status_code == 204
    assert _rows(db, user) == dict.fromkeys(before, 0)
    assert client.get("/v1/me", headers=user.headers).status_code == 401
