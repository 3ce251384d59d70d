"""Two copies of the same session arriving at the same moment, on a real database with real
commits (not inside a rolled-back test transaction)."""

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.factories import register_user, session_payload
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


def test_simultaneous_copies_store_one_session(
    committing_client: TestClient, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.progress import service

    user = register_user(committing_client)
    body = session_payload(id=str(uuid.uuid4()))
    # Both requests pass every check before either inserts: the insert decides.
    both_checked = threading.Barrier(2, timeout=10)
    real_moves = service.moves_for

    def moves_then_wait(db: Any, slugs: list[str], field: str) -> Any:
        found = real_moves(db, slugs, field)
        both_checked.wait()  # neither request has inserted yet
        return found

    monkeypatch.setattr(service, "moves_for", moves_then_wait)
    results: list[Any] = [None, None]

    def send(slot: int) -> None:
        results[slot] = committing_client.post(
            "/v1/progress/sessions", json=body, headers=user.headers
        )

    try:
        threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert sorted(r.status_code for r in results) == [200, 201], [r.text for r in results]
        assert results[0].json() == results[1].json()
        with engine.connect() as conn:
            stored = conn.execute(
                sa.text("SELECT count(*) FROM progress_session WHERE user_id = :u"),
                {"u": uuid.UUID(user.id)},
            ).scalar_one()
        assert stored == 1
    finally:
        with engine.begin() as conn:
            conn.execute(
                sa.text("DELETE FROM user_account WHERE id = :u"), {"u": uuid.UUID(user.id)}
            )
