"""Daily check-ins through the API: one per local day, safe retries, the safety screen's
triage, paging, privacy, and days counted in the person's timezone."""

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.checkins.models import Checkin
from tests.factories import AuthUser, freeze_now, set_timezone

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(alice: AuthUser, bob: AuthUser) -> None:
    """The service's clock reads NOW once both people have signed in."""
    freeze_now(NOW)


def checkin_payload(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "recorded_at": "2026-11-23T21:15:00-05:00",
        "pain": 4,
        "areas": {"lower": 4, "mid": 2},
        "notes": "Long day at the desk.",
    }
    return body | changes


def post(client: TestClient, user: AuthUser, body: dict[str, Any]) -> Any:
    return client.post("/v1/checkins", json=body, headers=user.headers)


def test_record_a_checkin(client: TestClient, alice: AuthUser) -> None:
    response = post(client, alice, checkin_payload())
    assert response.status_code == 201, response.text
    stored = response.json()
    assert response.headers["location"] == f"/v1/checkins/{stored['id']}"
    assert stored["recorded_at"] == "2026-11-24T02:15:00Z"
    # alice counts days in UTC: 21:15 in New York is already the 24th there.
    assert stored["local_date"] == "2026-11-24"
    assert (stored["pain"], stored["pain_band"]) == (4, "moderate")
    assert stored["areas"] == {"upper": None, "mid": 2, "lower": 4}
    assert stored["triage"] is None and stored["referral"] is None
    assert stored["replaced"] is None
    got = client.get(f"/v1/checkins/{stored['id']}", headers=alice.headers)
    assert got.status_code == 200 and got.json() == stored


def test_same_id_same_content_is_a_harmless_repeat(client: TestClient, alice: AuthUser) -> None:
    body = checkin_payload(id=str(uuid.uuid4()))
    first = post(client, alice, body)
    assert first.status_code == 201
    # The same instant written with another offset is the same content.
    again = post(client, alice, body | {"recorded_at": "2026-11-24T02:15:00Z"})
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["location"] == first.headers["location"]
    assert post(client, alice, body | {"pain": 5}).status_code == 409


def test_someone_elses_id_is_a_conflict(client: TestClient, alice: AuthUser, bob: AuthUser) -> None:
    body = checkin_payload(id=str(uuid.uuid4()))
    assert post(client, alice, body).status_code == 201
    clash = post(client, bob, body)
    assert clash.status_code == 409
    assert clash.json()["type"].endswith("/checkin-id-conflict")


def test_a_second_checkin_that_day_replaces_the_first(
    client: TestClient, alice: AuthUser, db: Session
) -> None:
    morning = post(client, alice, checkin_payload(recorded_at="2026-11-24T06:00:00Z")).json()
    evening = post(client, alice, checkin_payload(recorded_at="2026-11-24T17:00:00Z", pain=6))
    assert evening.status_code == 201
    assert evening.json()["replaced"] == morning["id"]
    listed = client.get("/v1/checkins", headers=alice.headers).json()
    assert [c["id"] for c in listed["data"]] == [evening.json()["id"]]
    assert listed["count"] == 1
    assert client.get(f"/v1/checkins/{morning['id']}", headers=alice.headers).status_code == 404
    rows = db.exec(select(Checkin).where(Checkin.local_date == datetime(2026, 11, 24).date()))
    assert len([r for r in rows if str(r.user_id) == alice.id]) == 1


def test_either_side_of_local_midnight_are_two_days(client: TestClient, alice: AuthUser) -> None:
    set_timezone(client, alice, "Australia/Sydney")
    # 23:50 and 00:10 in Sydney (UTC+11 in November): one before, one after local midnight.
    before = post(client, alice, checkin_payload(recorded_at="2026-11-20T12:50:00Z")).json()
    after = post(client, alice, checkin_payload(recorded_at="2026-11-20T13:10:00Z")).json()
    assert (before["local_date"], after["local_date"]) == ("2026-11-20", "2026-11-21")
    assert after["replaced"] is None
    assert client.get("/v1/checkins", headers=alice.headers).json()["count"] == 2


def test_days_across_a_dst_change(client: TestClient, alice: AuthUser) -> None:
    set_timezone(client, alice, "America/New_York")
    # 1 November 2026: clocks go back at 02:00 EDT. 00:30 EDT and 23:30 EST are one local day
    # 24 hours apart; 00:10 EST on the 2nd is the next day.
    early = post(client, alice, checkin_payload(recorded_at="2026-11-01T00:30:00-04:00"))
    late = post(client, alice, checkin_payload(recorded_at="2026-11-01T23:30:00-05:00", pain=6))
    next_day = post(client, alice, checkin_payload(recorded_at="2026-11-02T00:10:00-05:00"))
    assert early.json()["local_date"] == late.json()["local_date"] == "2026-11-01"
    assert late.json()["replaced"] == early.json()["id"]
    assert next_day.json()["local_date"] == "2026-11-02"
    # Spring forward, 8 March 2026: 23:59 EDT on the 8th is still the 8th.
    spring = post(client, alice, checkin_payload(recorded_at="2026-03-09T03:59:00Z")).json()
    assert spring["local_date"] == "2026-03-08"
    days = client.get(
        "/v1/checkins", params={"from": "2026-11-01", "to": "2026-11-01"}, headers=alice.headers
    ).json()
    assert [c["pain"] for c in days["data"]] == [6]


def test_future_checkins_are_refused(client: TestClient, alice: AuthUser) -> None:
    response = post(client, alice, checkin_payload(recorded_at="2026-11-24T19:00:00Z"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "recorded_at"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pain": 11}, "pain"),
        ({"pain": 3.5}, "pain"),
        ({"areas": {"lower": 2, "hips": 3}}, "areas"),
        ({"areas": {"lower": 12}}, "areas"),
        ({"red_flags": ["not_a_question"]}, "red_flags"),
        ({"recorded_at": "2026-11-23T21:15:00"}, "recorded_at"),
    ],
)
def test_bad_input_names_the_field(
    client: TestClient, alice: AuthUser, changes: dict[str, Any], field: str
) -> None:
    response = post(client, alice, checkin_payload(**changes))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][:2] == ["body", field]


RECOMMENDATION_CASES = [
    # An emergency answer: emergency guidance at once, nothing else.
    {"red_flags": ["saddle_numbness"]},
    # A same-day review.
    {"red_flags": ["fever_or_unwell"]},
    # A doctor in the next few days, with the referral.
    {"red_flags": ["night_pain"]},
    # Only a caution: self-care, the triage says which moves are held back.
    {"cautions": ["osteoporosis"]},
]


@pytest.mark.parametrize("answers", RECOMMENDATION_CASES)
def test_screen_answers_get_the_recommendations_triage(
    client: TestClient, alice: AuthUser, answers: dict[str, Any]
) -> None:
    stored = post(client, alice, checkin_payload(**answers)).json()
    recommendation = client.post(
        "/v1/recommendations",
        json={"area": "lower", "pain_level": 4, "red_flags": [], "cautions": [], **answers},
    ).json()
    if recommendation["triage"]["level"] == "self_care":
        # A check-in carries no moves, so its message offers none.
        assert "suggested order" not in stored["triage"]["message"]
        assert "normal activities" in stored["triage"]["message"]
        recommendation["triage"]["message"] = stored["triage"]["message"]
    assert stored["triage"] == recommendation["triage"]
    assert stored["referral"] == recommendation["referral"]


def test_an_urgent_answer_brings_emergency_guidance(client: TestClient, alice: AuthUser) -> None:
    stored = post(client, alice, checkin_payload(red_flags=["bladder_bowel_change"])).json()
    assert stored["triage"]["level"] == "urgent_care"
    assert stored["triage"]["timeframe"] == "now"
    assert "emergency" in stored["triage"]["message"]
    assert stored["referral"] is None


def test_listing_pages_with_a_cursor(client: TestClient, alice: AuthUser) -> None:
    for day in range(1, 8):
        post(client, alice, checkin_payload(recorded_at=f"2026-11-{day:02d}T12:00:00Z", pain=day))
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 3, "from": "2026-11-02"}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/v1/checkins", params=params, headers=alice.headers).json()
        assert page["count"] == 6
        seen += [c["pain"] for c in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [7, 6, 5, 4, 3, 2]
    bad = client.get("/v1/checkins", params={"cursor": "bm90LWEtY3Vyc29y"}, headers=alice.headers)
    assert bad.status_code == 422
    backwards = client.get(
        "/v1/checkins", params={"from": "2026-11-05", "to": "2026-11-01"}, headers=alice.headers
    )
    assert backwards.status_code == 422


def test_others_cannot_see_or_delete(client: TestClient, alice: AuthUser, bob: AuthUser) -> None:
    stored = post(client, alice, checkin_payload()).json()
    path = f"/v1/checkins/{stored['id']}"
    assert client.get(path, headers=bob.headers).status_code == 404
    assert client.delete(path, headers=bob.headers).status_code == 404
    assert client.get("/v1/checkins", headers=bob.headers).json()["count"] == 0
    assert client.delete(path, headers=alice.headers).status_code == 204
    assert client.get(path, headers=alice.headers).status_code == 404
    assert client.get("/v1/checkins").status_code == 401


def test_account_deletion_removes_checkins(
    client: TestClient, alice: AuthUser, db: Session
) -> None:
    post(client, alice, checkin_payload())
    assert client.delete("/v1/me", headers=alice.headers).status_code == 204
    assert db.exec(select(Checkin).where(Checkin.user_id == uuid.UUID(alice.id))).all() == []


def test_writes_need_health_data_consent(client: TestClient) -> None:
    from app.core.clock import request_time
    from app.main import app
    from tests.factories import register_user

    # Signed in on the real clock, like alice and bob, then the clock is frozen again.
    app.dependency_overrides.pop(request_time)
    nobody = register_user(client, health_data_consent=False)
    freeze_now(NOW)
    refused = post(client, nobody, checkin_payload())
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("/consent-required")
    peg = {"answered_at": "2026-11-20T12:00:00Z", "pain": 5, "enjoyment": 4, "activity": 6}
    answer = client.post("/v1/outcomes/peg/responses", json=peg, headers=nobody.headers)
    assert answer.status_code == 403
    assert client.get("/v1/checkins", headers=nobody.headers).status_code == 200
