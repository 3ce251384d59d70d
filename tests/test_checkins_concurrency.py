"""Check-ins for the same day arriving at the same moment, on a real database with real
commits (not inside a rolled-back test transaction): one row per day survives, and a re-sent
copy is recognised."""

import threading
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.factories import register_user
from tests.support import BACKEND

pytestmark = pytest.mark.skipif(
    BACKEND != "postgresql",
    reason="SQLite serialises writers with a database-wide lock; PostgreSQL shows the race",
)


@pytest.fixture()
def committing_client(engine: sa.Engine) -> Iterator[TestClient]:
    from app.main import app

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def race(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, bodies: list[dict[str, Any]]
) -> tuple[list[Any], str]:
    """Both requests look for the day's check-in before either stores one."""
    from app.checkins import service

    user = register_user(client)
    both_looked = threading.Barrier(2, timeout=10)
    real_same_day = service._same_day
    seen = threading.local()

    def look_then_wait(session: Any, user_id: uuid.UUID, day: date) -> Any:
        found = real_same_day(session, user_id, day)
        if not getattr(seen, "waited", False):
            seen.waited = True
            both_looked.wait()
        return found

    monkeypatch.setattr(service, "_same_day", look_then_wait)
    results: list[Any] = [None, None]

    def send(slot: int) -> None:
        results[slot] = client.post("/v1/checkins", json=bodies[slot], headers=user.headers)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results, user.id


def stored_rows(engine: sa.Engine, user_id: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                sa.text("SELECT count(*) FROM checkin WHERE user_id = :u"),
                {"u": uuid.UUID(user_id)},
            ).scalar_one()
        )


def forget(engine: sa.Engine, user_id: str) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM user_account WHERE id = :u"), {"u": uuid.UUID(user_id)})


def test_two_checkins_for_one_day_leave_one(
    committing_client: TestClient, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    bodies = [
        {"id": str(uuid.uuid4()), "recorded_at": "2026-11-20T08:00:00Z", "pain": 3},
        {"id": str(uuid.uuid4()), "recorded_at": "2026-11-20T09:00:00Z", "pain": 5},
    ]
    results, user_id = race(committing_client, monkeypatch, bodies)
    try:
        assert [r.status_code for r in results] == [201, 201], [r.text for r in results]
        # The first to commit replaced nothing; the other, retried, replaced it.
        first = next(r.json() for r in results if r.json()["replaced"] is None)
        second = next(r.json() for r in results if r.json()["replaced"] is not None)
        assert second["replaced"] == first["id"]
        assert stored_rows(engine, user_id) == 1
    finally:
        forget(engine, user_id)


def test_two_copies_of_one_checkin_store_it_once(
    committing_client: TestClient, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = {"id": str(uuid.uuid4()), "recorded_at": "2026-11-20T08:00:00Z", "pain": 3}
    results, user_id = race(committing_client, monkeypatch, [body, body])
    try:
        assert sorted(r.status_code for r in results) == [200, 201], [r.text for r in results]
        assert results[0].json()["id"] == results[1].json()["id"]
        assert stored_rows(engine, user_id) == 1
    finally:
        forget(engine, user_id)
