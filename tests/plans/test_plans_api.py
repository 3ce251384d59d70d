"""Plans through the API: scheduling, pausing, what is due on a day, and adherence in the
progress summary, counted in the person's timezone."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.routines.models import curated_routine_id
from tests.factories import (
    AuthUser,
    create_routine,
    freeze_now,
    log_session,
    register_user,
    set_timezone,
)

CURATED = str(curated_routine_id("mid-back-mobility"))


def plan_payload(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "routine_id": CURATED,
        "weekdays": ["mon", "wed", "fri"],
        "local_time": "07:30",
        "start_date": "2026-06-01",
    }
    return body | changes


def create_plan(client: TestClient, user: AuthUser, **changes: Any) -> dict[str, Any]:
    response = client.post("/v1/plans", json=plan_payload(**changes), headers=user.headers)
    assert response.status_code == 201, response.text
    return response.json()


def done_at(client: TestClient, user: AuthUser, completed: str, routine_id: str = CURATED) -> str:
    end = datetime.fromisoformat(completed)
    return log_session(
        client,
        user,
        routine_id=routine_id,
        started_at=(end - timedelta(minutes=10)).isoformat(),
        completed_at=end.isoformat(),
    )["id"]


@pytest.fixture()
def berliner(client: TestClient) -> AuthUser:
    user = register_user(client)
    set_timezone(client, user, "Europe/Berlin")
    return user


def test_create_get_list_update_delete(client: TestClient, berliner: AuthUser) -> None:
    freeze_now(datetime(2026, 6, 1, 6, 0, tzinfo=UTC))
    response = client.post("/v1/plans", json=plan_payload(), headers=berliner.headers)
    assert response.status_code == 201, response.text
    plan = response.json()
    assert response.headers["Location"] == f"/v1/plans/{plan['id']}"
    assert plan["routine_name"] and plan["weekdays"] == ["mon", "wed", "fri"]
    assert (plan["local_time"], plan["start_date"], plan["end_date"]) == (
        "07:30",
        "2026-06-01",
        None,
    )
    assert plan["paused"] is False

    assert client.get(f"/v1/plans/{plan['id']}", headers=berliner.headers).json() == plan
    listing = client.get("/v1/plans", headers=berliner.headers).json()
    assert listing == {"data": [plan], "count": 1}

    changed = client.patch(
        f"/v1/plans/{plan['id']}",
        json={"weekdays": ["sun", "tue"], "local_time": "18:05", "end_date": "2026-07-01"},
        headers=berliner.headers,
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["weekdays"], body["local_time"], body["end_date"]) == (
        ["tue", "sun"],
        "18:05",
        "2026-07-01",
    )
    cleared = client.patch(
        f"/v1/plans/{plan['id']}", json={"end_date": None}, headers=berliner.headers
    )
    assert cleared.json()["end_date"] is None

    assert client.delete(f"/v1/plans/{plan['id']}", headers=berliner.headers).status_code == 204
    assert client.get(f"/v1/plans/{plan['id']}", headers=berliner.headers).status_code == 404


def test_start_date_defaults_to_today_in_the_persons_timezone(
    client: TestClient, berliner: AuthUser
) -> None:
    # 23:30 UTC on 1 June is already 2 June in Berlin.
    freeze_now(datetime(2026, 6, 1, 23, 30, tzinfo=UTC))
    body = plan_payload()
    del body["start_date"]
    response = client.post("/v1/plans", json=body, headers=berliner.headers)
    assert response.json()["start_date"] == "2026-06-02"


def test_own_routine_yes_someone_elses_no(client: TestClient, berliner: AuthUser) -> None:
    mine = create_routine(client, berliner)
    assert create_plan(client, berliner, routine_id=mine["id"])["routine_name"] == mine["name"]
    other = register_user(client)
    theirs = create_routine(client, other)
    response = client.post(
        "/v1/plans", json=plan_payload(routine_id=theirs["id"]), headers=berliner.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "routine_id"]


def test_plans_are_private(client: TestClient, berliner: AuthUser) -> None:
    plan = create_plan(client, berliner)
    other = register_user(client)
    for method in ("get", "delete"):
        response = getattr(client, method)(f"/v1/plans/{plan['id']}", headers=other.headers)
        assert response.status_code == 404
        assert response.json()["type"].endswith("/plan-not-found")
    response = client.patch(f"/v1/plans/{plan['id']}", json={"paused": True}, headers=other.headers)
    assert response.status_code == 404
    assert client.get("/v1/plans", headers=other.headers).json()["count"] == 0
    assert client.get("/v1/plans").status_code == 401


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"weekdays": []}, "weekdays"),
        ({"weekdays": ["mon", "mon"]}, "weekdays"),
        ({"weekdays": ["monday"]}, "weekdays"),
        ({"local_time": "24:00"}, "local_time"),
        ({"local_time": "7:30"}, "local_time"),
        ({"local_time": "07:30:00"}, "local_time"),
        ({"start_date": "1999-12-31"}, "start_date"),
        ({"end_date": "2026-05-31"}, "end_date"),
        ({"paused": "yes"}, "paused"),
        ({"routine_id": "not-a-uuid"}, "routine_id"),
    ],
)
def test_bad_plans_are_422_naming_the_field(
    client: TestClient, berliner: AuthUser, changes: dict[str, Any], field: str
) -> None:
    response = client.post("/v1/plans", json=plan_payload(**changes), headers=berliner.headers)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"][:2] == ["body", field]


def test_patch_refuses_null_and_end_before_start(client: TestClient, berliner: AuthUser) -> None:
    plan = create_plan(client, berliner)
    for body, field in (({"weekdays": None}, "weekdays"), ({"end_date": "2026-05-01"}, "end_date")):
        response = client.patch(f"/v1/plans/{plan['id']}", json=body, headers=berliner.headers)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["loc"][:2] == ["body", field]


def test_at_most_twenty_plans(client: TestClient, berliner: AuthUser) -> None:
    for _ in range(20):
        create_plan(client, berliner)
    response = client.post("/v1/plans", json=plan_payload(), headers=berliner.headers)
    assert response.status_code == 409
    assert response.json()["type"].endswith("/too-many-plans")


def today(client: TestClient, user: AuthUser, query: str = "") -> dict[str, Any]:
    response = client.get(f"/v1/plans/today{query}", headers=user.headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_today_lists_what_is_due_and_whether_it_is_done(
    client: TestClient, berliner: AuthUser
) -> None:
    # Wednesday 3 June 2026, 09:00 in Berlin.
    freeze_now(datetime(2026, 6, 3, 7, 0, tzinfo=UTC))
    morning = create_plan(client, berliner)
    evening = create_plan(
        client, berliner, routine_id=create_routine(client, berliner)["id"], local_time="19:00"
    )
    create_plan(client, berliner, weekdays=["tue"])  # not due today
    paused = create_plan(client, berliner, paused=True)
    assert paused["paused"] is True

    body = today(client, berliner)
    assert (body["date"], body["timezone"], body["done"]) == ("2026-06-03", "Europe/Berlin", 0)
    assert [d["plan_id"] for d in body["data"]] == [morning["id"], evening["id"]]
    first = body["data"][0]
    assert first["due_at"] == "2026-06-03T05:30:00Z"
    assert (first["local_time"], first["done"], first["session_ids"]) == ("07:30", False, [])

    session_id = done_at(client, berliner, "2026-06-03T08:45:00+02:00")
    body = today(client, berliner)
    assert body["done"] == 1
    assert body["data"][0]["done"] is True and body["data"][0]["session_ids"] == [session_id]
    assert body["data"][1]["done"] is False

    # Another day: Tuesday has only the Tuesday plan.
    other_day = today(client, berliner, "?date=2026-06-02")
    assert [d["local_time"] for d in other_day["data"]] == ["07:30"]
    assert (
        client.get("/v1/plans/today?date=2026-13-01", headers=berliner.headers).status_code == 422
    )


def test_today_across_the_dst_changes(client: TestClient) -> None:
    chicagoan = register_user(client)
    set_timezone(client, chicagoan, "America/Chicago")
    create_plan(client, chicagoan, weekdays=["sat", "sun", "mon"], start_date="2026-01-01")
    for day, due in (
        ("2026-03-07", "2026-03-07T13:30:00Z"),
        ("2026-03-08", "2026-03-08T12:30:00Z"),
        ("2026-10-31", "2026-10-31T12:30:00Z"),
        ("2026-11-01", "2026-11-01T13:30:00Z"),
        ("2026-11-02", "2026-11-02T13:30:00Z"),
    ):
        assert today(client, chicagoan, f"?date={day}")["data"][0]["due_at"] == due


def adherence(client: TestClient, user: AuthUser) -> dict[str, Any]:
    response = client.get("/v1/progress/summary", headers=user.headers)
    assert response.status_code == 200, response.text
    return response.json()["adherence"]


def test_adherence_in_the_summary(client: TestClient, berliner: AuthUser) -> None:
    # Wednesday 10 June 2026, 12:00 Berlin. Monday/Wednesday/Friday since 1 June.
    freeze_now(datetime(2026, 6, 10, 10, 0, tzinfo=UTC))
    empty = adherence(client, berliner)
    assert empty["plans"] == []
    assert empty["last_7_days"] == {"days": 7, "planned": 0, "done": 0, "rate": None}

    plan = create_plan(client, berliner)
    done_at(client, berliner, "2026-06-01T08:00:00+02:00")  # Mon
    done_at(client, berliner, "2026-06-05T08:00:00+02:00")  # Fri
    done_at(client, berliner, "2026-06-06T08:00:00+02:00")  # Sat: not planned
    done_at(client, berliner, "2026-06-08T08:00:00+02:00")  # Mon
    done_at(client, berliner, "2026-06-08T20:00:00+02:00")  # Mon again: still one day
    body = adherence(client, berliner)
    # 7 days: 4-10 June, planned Fri 5, Mon 8 (Wed 10 not done yet) -> 2/2.
    assert body["last_7_days"] == {"days": 7, "planned": 2, "done": 2, "rate": 1.0}
    # 28 days back to 14 May, plan from 1 June: Mon 1, Wed 3, Fri 5, Mon 8 -> 3/4.
    assert body["last_28_days"] == {"days": 28, "planned": 4, "done": 3, "rate": 0.75}
    assert body["plans"][0]["plan_id"] == plan["id"]
    assert body["plans"][0]["last_28_days"]["rate"] == 0.75

    done_at(client, berliner, "2026-06-10T11:00:00+02:00")  # today, done
    assert adherence(client, berliner)["last_7_days"]["planned"] == 3


def test_adherence_overall_adds_the_plans(client: TestClient, berliner: AuthUser) -> None:
    freeze_now(datetime(2026, 6, 10, 10, 0, tzinfo=UTC))
    create_plan(client, berliner, weekdays=["tue"])
    create_plan(
        client, berliner, routine_id=create_routine(client, berliner)["id"], weekdays=["tue"]
    )
    done_at(client, berliner, "2026-06-09T08:00:00+02:00")
    body = adherence(client, berliner)
    assert sorted(p["last_7_days"]["rate"] for p in body["plans"]) == [0.0, 1.0]
    assert body["last_7_days"] == {"days": 7, "planned": 2, "done": 1, "rate": 0.5}


def test_paused_days_count_neither_way(client: TestClient, berliner: AuthUser) -> None:
    freeze_now(datetime(2026, 6, 3, 10, 0, tzinfo=UTC))  # Wed 3 June
    plan = create_plan(
        client, berliner, weekdays=list(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
    )
    paused = client.patch(
        f"/v1/plans/{plan['id']}", json={"paused": True}, headers=berliner.headers
    )
    assert paused.json()["paused"] is True
    assert today(client, berliner)["data"] == []
    freeze_now(datetime(2026, 6, 6, 10, 0, tzinfo=UTC))  # Sat 6 June: resume
    resumed = client.patch(
        f"/v1/plans/{plan['id']}", json={"paused": False}, headers=berliner.headers
    )
    assert resumed.json()["paused"] is False
    assert len(today(client, berliner)["data"]) == 1
    freeze_now(datetime(2026, 6, 8, 10, 0, tzinfo=UTC))  # Mon 8 June
    body = adherence(client, berliner)
    # 2-8 June without 3-5 June (paused) and today (not done yet): 2, 6 and 7 June.
    assert body["last_7_days"]["planned"] == 3
    assert body["plans"][0]["paused"] is False


def test_a_session_counts_for_the_day_it_was_logged_after_a_move(
    client: TestClient, berliner: AuthUser
) -> None:
    freeze_now(datetime(2026, 6, 10, 10, 0, tzinfo=UTC))
    create_plan(client, berliner, weekdays=["tue"])
    # 23:30 on Tuesday 9 June in Berlin is Tuesday evening in Chicago too, but 00:30 on
    # Wednesday in Berlin is not: the day is the one in the timezone when it was logged.
    done_at(client, berliner, "2026-06-09T23:30:00+02:00")
    set_timezone(client, berliner, "America/Chicago")
    body = adherence(client, berliner)
    assert body["last_7_days"]["done"] == 1
    assert today(client, berliner, "?date=2026-06-09")["data"][0]["done"] is True


def test_deleting_the_routine_deletes_its_plans(client: TestClient, berliner: AuthUser) -> None:
    routine = create_routine(client, berliner)
    plan = create_plan(client, berliner, routine_id=routine["id"])
    assert (
        client.delete(f"/v1/routines/{routine['id']}", headers=berliner.headers).status_code == 204
    )
    assert client.get(f"/v1/plans/{plan['id']}", headers=berliner.headers).status_code == 404


def test_unknown_plan_is_404(client: TestClient, berliner: AuthUser) -> None:
    response = client.get(f"/v1/plans/{uuid.uuid4()}", headers=berliner.headers)
    assert response.status_code == 404


def test_today_is_never_taken_for_a_plan_id(client: TestClient, berliner: AuthUser) -> None:
    for method in ("patch", "delete"):
        response = getattr(client, method)("/v1/plans/today", headers=berliner.headers)
        assert response.status_code == 405
        assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
