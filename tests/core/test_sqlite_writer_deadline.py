"""SQLite: a write waits for its turn at most DATABASE_LOCK_TIMEOUT_SECONDS in all, in the
process's queue of writers and for the file lock, then is a 503; it never waits for as long
as the writer ahead of it takes."""

import sqlite3
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.factories import register_user
from tests.support import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite's writer queue")

# Generous for the machine, short for the test.
LOCK_TIMEOUT = 1.0


@pytest.fixture()
def committing_client(engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    from app.core.config import get_settings
    from app.main import app

    monkeypatch.setattr(get_settings(), "database_lock_timeout_seconds", LOCK_TIMEOUT)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def post_in_background(
    client: TestClient, headers: dict[str, str]
) -> tuple[threading.Thread, list[Any]]:
    result: list[Any] = []
    body = {"recorded_at": "2026-11-20T08:00:00Z", "pain": 3}

    def send() -> None:
        result.append(client.post("/v1/checkins", json=body, headers=headers))

    thread = threading.Thread(target=send)
    thread.start()
    return thread, result


def test_a_write_queued_behind_a_writer_that_never_ends_is_a_503(
    committing_client: TestClient,
) -> None:
    from app.core import db

    user = register_user(committing_client)
    # The process's queue: a writer ahead that never finishes.
    portal = committing_client.portal
    assert portal is not None
    lock = portal.call(db._sqlite_writer)
    portal.call(lock.acquire)
    try:
        thread, result = post_in_background(committing_client, user.headers)
        thread.join(timeout=60)
        assert not thread.is_alive(), "the write waited past its deadline"
        assert result[0].status_code == 503
        assert result[0].headers["retry-after"]
    finally:
        portal.call(lock.release)


def test_a_write_behind_another_process_holding_the_file_lock_is_a_503(
    committing_client: TestClient, database_url: str
) -> None:
    user = register_user(committing_client)
    other = sqlite3.connect(sa.make_url(database_url).database or "", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        thread, result = post_in_background(committing_client, user.headers)
        thread.join(timeout=60)
        assert not thread.is_alive()
        assert result[0].status_code == 503
    finally:
        other.execute("ROLLBACK")
        other.close()
