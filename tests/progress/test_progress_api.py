"""Logging sessions through the API: validation, safe retries, privacy, listing."""

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session

from tests.factories import (
    AuthUser,
    create_routine,
    freeze_now,
    log_session,
    session_payload,
)

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
# The sample sessions (20 November 2026) are in the past whatever the machine's clock says.
pytestmark = pytest.mark.time_machine(NOW)


def post(client: TestClient, user: AuthUser, body: dict[str, Any]) -> Any:
    return client.post("/v1/progress/sessions", json=body, headers=user.headers)


def sessions(client: TestClient, user: AuthUser, query: str = "") -> dict[str, Any]:
    response = client.get(f"/v1/progress/sessions?{query}", headers=user.headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_log_a_session(client: TestClient, alice: AuthUser) -> None:
    response = post(client, alice, session_payload())
    assert response.status_code == 201, response.text
    logged = response.json()
    assert response.headers["location"] == f"/v1/progress/sessions/{logged['id']}"
    assert uuid.UUID(logged["id"])
    assert logged["started_at"] == "2026-11-20T12:30:00Z"
    assert logged["completed_at"] == "2026-11-20T12:42:00Z"
    assert logged["duration_seconds"] == 12 * 60
    assert logged["local_date"] == "2026-11-20"
    assert (logged["pain_before"], logged["pain_after"], logged["pain_change"]) == (6, 3, -3)
    assert logged["improved"] is True
    assert logged["flare_up"] is False and logged["advice"] is None
    assert [
        (e["exercise_slug"], e["sets"], e["reps"], e["hold_seconds"]) for e in logged["exercises"]
    ] == [("knee-rolls", 1, 8, 3), ("hamstring-stretch", 2, None, 5)]
    assert logged["exercises"][0]["exercise_name"] == "Knee Rolls"
    assert logged["notes"] == "Stiff after the drive."
    assert (
        client.get(f"/v1/progress/sessions/{logged['id']}", headers=alice.headers).json() == logged
    )


def test_a_flare_up_comes_back_with_advice(client: TestClient, alice: AuthUser) -> None:
    risen = post(client, alice, session_payload(pain_before=2, pain_after=5)).json()
    assert risen["flare_up"] is True
    assert "went up by 3" in risen["advice"]
    # A flare-up's advice keeps NICE NG59's first advice rather than telling her to rest.
    assert "rest" not in risen["advice"]
    assert risen["general_guidance"]["quote"] == "encouragement to continue with normal activities"
    eased = post(client, alice, session_payload(pain_before=8, pain_after=6)).json()
    assert eased["improved"] is True and eased["flare_up"] is False and eased["advice"] is None
    into_severe = post(client, alice, session_payload(pain_before=6, pain_after=7)).json()
    assert into_severe["flare_up"] is True and into_severe["improved"] is False
    assert "severe pain (7 out of 10)" in into_severe["advice"]
    # The same words as a recommendation at severe pain, and no general advice beside them.
    assert "in the next few days" in into_severe["advice"]
    assert into_severe["general_guidance"] is None
    # Ending in severe pain opened a concern, which holds exercise: the next session is stored
    # and answered with the concern's guidance.
    still_severe = post(client, alice, session_payload(pain_before=8, pain_after=8)).json()
    assert still_severe["flare_up"] is False
    assert "severe pain (8 out of 10)" in still_severe["advice"]


def test_a_retry_with_the_same_id_and_content_returns_the_stored_session(
    client: TestClient, alice: AuthUser
) -> None:
    body = session_payload(id=str(uuid.uuid4()))
    first = post(client, alice, body)
    assert first.status_code == 201
    again = post(client, alice, body)
    assert again.status_code == 200
    assert again.json() == first.json()
    # The same instants written with another offset are the same content.
    respelled = body | {
        "started_at": "2026-11-20T12:30:00Z",
        "completed_at": "2026-11-20T13:42:00+01:00",
    }
    assert post(client, alice, respelled).status_code == 200
    assert sessions(client, alice)["count"] == 1


def test_the_same_id_with_other_content_is_a_conflict(client: TestClient, alice: AuthUser) -> None:
    body = session_payload(id=str(uuid.uuid4()))
    stored = post(client, alice, body).json()
    response = post(client, alice, body | {"pain_after": 4})
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert body["id"] in response.json()["detail"]
    assert sessions(client, alice)["data"] == [stored]


def test_another_users_id_is_a_conflict_that_reveals_and_changes_nothing(
    client: TestClient, alice: AuthUser, bob: AuthUser
) -> None:
    body = session_payload(id=str(uuid.uuid4()), notes="private")
    stored = post(client, alice, body).json()
    for attempt in (body, body | {"pain_after": 9, "notes": "bob's"}):
        response = post(client, bob, attempt)
        assert response.status_code == 409
        assert "private" not in response.text and "pain" not in response.json()["detail"]
    assert sessions(client, bob)["count"] == 0
    assert sessions(client, alice)["data"] == [stored]


def test_without_an_id_the_server_picks_one_and_each_post_is_new(
    client: TestClient, alice: AuthUser
) -> None:
    first = post(client, alice, session_payload()).json()
    second = post(client, alice, session_payload()).json()
    assert first["id"] != second["id"]
    assert sessions(client, alice)["count"] == 2


def test_losing_a_race_for_the_id_answers_like_a_retry(
    client: TestClient, alice: AuthUser, db: Session
) -> None:
    """Two copies of a session arrive at once: both insert, one wins and the other hits the
    primary key. The loser reads the winner and answers as a retry would, never with a 500;
    a new id is never looked up before its insert."""
    body = session_payload(id=str(uuid.uuid4()))
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(" ".join(statement.split()))

    def lookups() -> int:
        """Reads of a session by its id (not the inserts, nor the reads of its moves)."""
        return sum(
            1
            for s in statements
            if s.startswith("SELECT") and "FROM progress_session WHERE progress_session.id" in s
        )

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        winner = post(client, alice, body).json()
        assert lookups() == 0  # stored without a look-up
        # Requests share the test's database session; forget the winner as another request would.
        db.expunge_all()
        same = post(client, alice, body)
        assert lookups() == 1  # lost the insert, read the winner
        db.expunge_all()
        different = post(client, alice, body | {"pain_after": 5})
        assert lookups() == 2
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert same.status_code == 200, same.text
    assert same.json() == winner
    assert different.status_code == 409
    assert sessions(client, alice)["data"] == [winner]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"started_at": "2026-11-20T07:30:00"}, "body.started_at"),  # no offset
        ({"completed_at": "2026-11-20T07:42:00"}, "body.completed_at"),
        ({"completed_at": "2026-11-20T07:29:00-05:00"}, "body.completed_at"),  # before start
        ({"completed_at": "2026-11-21T07:42:00-05:00"}, "body.completed_at"),  # 24 h long
        ({"pain_before": 11}, "body.pain_before"),
        ({"pain_after": -1}, "body.pain_after"),
        ({"pain_after": 2.5}, "body.pain_after"),
        ({"area": "neck"}, "body.area"),
        ({"exercises": []}, "body.exercises"),
        ({"exercises": [{"exercise_slug": "cat-camel", "sets": 0}]}, "body.exercises.0.sets"),
        (
            {"exercises": [{"exercise_slug": "knee-rolls"}, {"exercise_slug": "pilates"}]},
            "body.exercises.1.exercise_slug",
        ),
        ({"notes": "x" * 2001}, "body.notes"),
        ({"id": "not-a-uuid"}, "body.id"),
        ({"routine_id": str(uuid.uuid4())}, "body.routine_id"),
    ],
)
def test_invalid_sessions_are_422_naming_the_field(
    client: TestClient, alice: AuthUser, change: dict[str, Any], field: str
) -> None:
    response = post(client, alice, session_payload(**change))
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
    assert sessions(client, alice)["count"] == 0


def test_sessions_may_not_end_in_the_future(client: TestClient, alice: AuthUser) -> None:
    # Frozen after signing in: access tokens are checked against the real clock.
    freeze_now(NOW)
    four_minutes_ahead = session_payload(
        started_at="2026-11-23T17:50:00Z", completed_at="2026-11-23T18:04:00Z"
    )
    assert post(client, alice, four_minutes_ahead).status_code == 201
    six_minutes_ahead = four_minutes_ahead | {"completed_at": "2026-11-23T18:06:00Z"}
    response = post(client, alice, six_minutes_ahead)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.completed_at"


def test_routine_must_be_curated_or_own(client: TestClient, alice: AuthUser, bob: AuthUser) -> None:
    curated = client.get("/v1/routines?area=mid").json()["data"][0]
    assert post(client, alice, session_payload(routine_id=curated["id"])).status_code == 201
    mine = create_routine(client, alice)
    assert post(client, alice, session_payload(routine_id=mine["id"])).status_code == 201
    stolen = post(client, bob, session_payload(routine_id=mine["id"]))
    assert stolen.status_code == 422
    assert stolen.json()["errors"][0]["field"] == "body.routine_id"
    # Same answer as for a routine that does not exist.
    made_up = post(client, bob, session_payload(routine_id=str(uuid.uuid4())))
    assert made_up.json()["detail"] == stolen.json()["detail"]


def test_deleting_a_routine_keeps_its_sessions(client: TestClient, alice: AuthUser) -> None:
    routine = create_routine(client, alice)
    body = session_payload(id=str(uuid.uuid4()), routine_id=routine["id"])
    logged = post(client, alice, body).json()
    assert client.delete(f"/v1/routines/{routine['id']}", headers=alice.headers).status_code == 204
    kept = client.get(f"/v1/progress/sessions/{logged['id']}", headers=alice.headers).json()
    assert kept["routine_id"] is None
    # A late retry of the original upload is still recognised as the same session.
    assert post(client, alice, body).status_code == 200


def test_sessions_need_a_token(client: TestClient) -> None:
    assert client.post("/v1/progress/sessions", json=session_payload()).status_code == 401
    assert client.get("/v1/progress/sessions").status_code == 401
    assert client.get("/v1/progress/summary").status_code == 401


def test_list_newest_first_with_filters_and_pages(client: TestClient, alice: AuthUser) -> None:
    def at(day: int, hour: int, area: str = "lower") -> dict[str, Any]:
        return log_session(
            client,
            alice,
            area=area,
            started_at=f"2026-11-{day:02d}T{hour:02d}:00:00Z",
            completed_at=f"2026-11-{day:02d}T{hour:02d}:10:00Z",
        )

    s1, s2, s3, s4 = at(10, 8), at(12, 8, "upper"), at(12, 18), at(15, 8)
    everything = sessions(client, alice)
    assert [s["id"] for s in everything["data"]] == [s4["id"], s3["id"], s2["id"], s1["id"]]
    assert everything["count"] == 4
    window = sessions(client, alice, "from=2026-11-11&to=2026-11-12")
    assert [s["id"] for s in window["data"]] == [s3["id"], s2["id"]]
    assert [s["id"] for s in sessions(client, alice, "from=2026-11-12")["data"]] == [
        s4["id"],
        s3["id"],
        s2["id"],
    ]
    assert [s["id"] for s in sessions(client, alice, "to=2026-11-10")["data"]] == [s1["id"]]
    assert [s["id"] for s in sessions(client, alice, "area=upper")["data"]] == [s2["id"]]
    page = sessions(client, alice, "limit=2&offset=1")
    assert ([s["id"] for s in page["data"]], page["count"]) == ([s3["id"], s2["id"]], 4)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-11-12&to=2026-11-11", "query.to"),
        ("from=yesterday", "query.from"),
        ("limit=0", "query.limit"),
        ("area=neck", "query.area"),
    ],
)
def test_bad_list_filters_are_422(
    client: TestClient, alice: AuthUser, query: str, field: str
) -> None:
    response = client.get(f"/v1/progress/sessions?{query}", headers=alice.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_delete_a_session(client: TestClient, alice: AuthUser) -> None:
    body = session_payload(id=str(uuid.uuid4()))
    logged = post(client, alice, body).json()
    url = f"/v1/progress/sessions/{logged['id']}"
    assert client.delete(url, headers=alice.headers).status_code == 204
    assert client.get(url, headers=alice.headers).status_code == 404
    assert sessions(client, alice)["count"] == 0
    # A late retry of the upload must not bring back what sync clients were told is gone.
    retried = post(client, alice, body)
    assert retried.status_code == 410
    assert retried.json()["type"].endswith("session-deleted")
    assert sessions(client, alice)["count"] == 0
    changed = post(client, alice, body | {"notes": "edited"})
    assert changed.status_code == 410
    assert post(client, alice, session_payload(id=str(uuid.uuid4()))).status_code == 201


def test_another_users_sessions_are_invisible_on_every_route(
    client: TestClient, alice: AuthUser, bob: AuthUser
) -> None:
    logged = log_session(client, alice)
    url = f"/v1/progress/sessions/{logged['id']}"
    assert sessions(client, bob)["count"] == 0
    assert client.get(url, headers=bob.headers).status_code == 404
    assert client.delete(url, headers=bob.headers).status_code == 404
    summary = client.get("/v1/progress/summary", headers=bob.headers).json()
    assert summary["total_sessions"] == 0
    assert client.get(url, headers=alice.headers).json() == logged


def test_malformed_session_id_is_a_422(client: TestClient, alice: AuthUser) -> None:
    response = client.get("/v1/progress/sessions/123", headers=alice.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "path.session_id"
