"""Attention items through the API: raised by the diary, listed, acknowledged."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import AuthUser, freeze_now, log_session

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
START = date(2026, 11, 1)


@pytest.fixture(autouse=True)
def frozen_clock(alice: AuthUser, bob: AuthUser) -> None:
    freeze_now(NOW)


def checkin(client: TestClient, user: AuthUser, day: int, pain: int, **extra: Any) -> None:
    moment = datetime.combine(START + timedelta(days=day), datetime.min.time(), UTC)
    body = {"recorded_at": (moment + timedelta(hours=12)).isoformat(), "pain": pain, **extra}
    response = client.post("/v1/checkins", json=body, headers=user.headers)
    assert response.status_code == 201, response.text


def attention(client: TestClient, user: AuthUser, status: str = "open") -> list[dict[str, Any]]:
    response = client.get("/v1/progress/attention", params={"status": status}, headers=user.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == len(body["data"])
    return body["data"]


def test_pain_above_baseline_is_raised_and_acknowledged(
    client: TestClient, alice: AuthUser, bob: AuthUser
) -> None:
    for day in range(7):
        checkin(client, alice, day, 3)
    checkin(client, alice, 7, 5)
    checkin(client, alice, 8, 6)
    assert attention(client, alice) == []
    checkin(client, alice, 9, 5)
    (item,) = attention(client, alice)
    assert item["kind"] == "pain_above_baseline"
    assert item["status"] == "open" and item["acknowledged_at"] is None
    assert item["raised_on"] == "2026-11-10"
    assert "3 out of 10 on average" in item["reason"]
    assert "reviewed" in item["advice"]
    assert item["timeframe"] == "routine"
    assert item["referral"]["slug"]

    path = f"/v1/progress/attention/{item['id']}/acknowledge"
    assert client.post(path, headers=bob.headers).status_code == 404
    done = client.post(path, headers=alice.headers)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "acknowledged"
    assert done.json()["acknowledged_at"] == "2026-11-24T18:00:00Z"
    assert attention(client, alice) == []
    assert [i["id"] for i in attention(client, alice, "acknowledged")] == [item["id"]]
    # Again: nothing changes, the first time stays.
    freeze_now(NOW + timedelta(hours=1))
    again = client.post(path, headers=alice.headers).json()
    assert again["acknowledged_at"] == "2026-11-24T18:00:00Z"
    # Another check-in in the same run raises nothing new.
    checkin(client, alice, 10, 6)
    assert attention(client, alice) == []
    assert len(attention(client, alice, "all")) == 1


def test_a_warning_sign_in_a_checkin(client: TestClient, alice: AuthUser) -> None:
    checkin(client, alice, 3, 4, red_flags=["chest_pain"])
    (item,) = attention(client, alice)
    assert item["kind"] == "warning_sign"
    assert item["timeframe"] == "now"
    assert item["advice"].startswith("Get medical help now")
    assert item["referral"] is None


def test_three_session_flare_ups_in_two_weeks(client: TestClient, alice: AuthUser) -> None:
    for day in (2, 6, 11):
        stamp = f"2026-11-{day:02d}T07:"
        log_session(
            client,
            alice,
            started_at=stamp + "30:00Z",
            completed_at=stamp + "45:00Z",
            pain_before=3,
            pain_after=6,
        )
    (item,) = attention(client, alice)
    assert item["kind"] == "flare_ups"
    assert item["raised_on"] == "2026-11-11"
    assert "2026-11-02, 2026-11-06, 2026-11-11" in item["reason"]


def test_peg_not_improving_after_six_weeks(client: TestClient, alice: AuthUser) -> None:
    def peg(day: str, score: int) -> None:
        body = {
            "answered_at": f"{day}T09:00:00Z",
            "pain": score,
            "enjoyment": score,
            "activity": score,
        }
        assert (
            client.post("/v1/outcomes/peg/responses", json=body, headers=alice.headers).status_code
            == 201
        )

    peg("2026-10-01", 6)
    peg("2026-11-05", 5)
    assert attention(client, alice) == []
    peg("2026-11-12", 5)
    (item,) = attention(client, alice)
    assert item["kind"] == "peg_not_improving"
    assert item["raised_on"] == "2026-11-12"


def test_deleting_the_data_withdraws_a_derived_item(client: TestClient, alice: AuthUser) -> None:
    for day in range(7):
        checkin(client, alice, day, 3)
    for day in (7, 8, 9):
        checkin(client, alice, day, 6)
    (item,) = attention(client, alice)
    assert item["kind"] == "pain_above_baseline"
    stored = client.get("/v1/checkins", params={"limit": 1}, headers=alice.headers).json()
    client.delete(f"/v1/checkins/{stored['data'][0]['id']}", headers=alice.headers)
    assert attention(client, alice, "all") == []


def test_a_reported_warning_sign_outlives_its_checkin(client: TestClient, alice: AuthUser) -> None:
    checkin(client, alice, 3, 4, red_flags=["cancer_history"])
    assert len(attention(client, alice)) == 1
    (stored,) = client.get("/v1/checkins", headers=alice.headers).json()["data"]
    client.delete(f"/v1/checkins/{stored['id']}", headers=alice.headers)
    # What was reported to the safety state stays: the diary entry is gone, the sign is not.
    (item,) = attention(client, alice, "all")
    assert (item["kind"], item["raised_on"], item["timeframe"]) == (
        "warning_sign",
        "2026-11-04",
        "soon",
    )
    safety = client.get("/v1/me/safety", headers=alice.headers).json()
    assert [c["signs"] for c in safety["concerns"]] == [["cancer_history"]]


def test_bad_status_and_anonymous(client: TestClient, alice: AuthUser) -> None:
    bad = client.get("/v1/progress/attention", params={"status": "x"}, headers=alice.headers)
    assert bad.status_code == 422
    assert client.get("/v1/progress/attention").status_code == 401
