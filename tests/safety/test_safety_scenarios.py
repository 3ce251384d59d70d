"""One safety state per person, through the API: each scenario is a way the product once sent
a person with a warning sign or severe pain back to exercise, or lost what they reported."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.routines.models import curated_routine_id
from tests.factories import AuthUser, freeze_now, register_user, set_timezone

CHICAGO = "America/Chicago"
# 22:00 on 5 December in Chicago.
NOW = datetime(2026, 12, 6, 4, 0, tzinfo=UTC)
LOWER_BACK = str(curated_routine_id("lower-back-relief"))  # has crunches
EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
NG59_QUOTE = "encouragement to continue with normal activities"


@pytest.fixture()
def carol(client: TestClient) -> AuthUser:
    """Someone who has not consented to storing health data."""
    return register_user(client, health_data_consent=False)


@pytest.fixture(autouse=True)
def in_chicago(client: TestClient, alice: AuthUser, bob: AuthUser, carol: AuthUser) -> None:
    set_timezone(client, alice, CHICAGO)
    freeze_now(NOW)


def checkin(client: TestClient, user: AuthUser, **body: Any) -> dict[str, Any]:
    response = client.post("/v1/checkins", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    return response.json()


def safety(client: TestClient, user: AuthUser) -> dict[str, Any]:
    response = client.get("/v1/me/safety", headers=user.headers)
    assert response.status_code == 200, response.text
    return response.json()


def attention(client: TestClient, user: AuthUser) -> list[dict[str, Any]]:
    response = client.get("/v1/progress/attention", params={"status": "all"}, headers=user.headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def recommend(client: TestClient, user: AuthUser | None, **body: Any) -> dict[str, Any]:
    headers = user.headers if user else {}
    request = {"area": "lower", "pain_level": 3, "red_flags": [], "cautions": []} | body
    response = client.post("/v1/recommendations", json=request, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def plan_every_day(client: TestClient, user: AuthUser) -> dict[str, Any]:
    body = {
        "routine_id": LOWER_BACK,
        "weekdays": EVERY_DAY,
        "local_time": "07:30",
        "start_date": "2026-12-01",
    }
    response = client.post("/v1/plans", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    return response.json()


def log_session(client: TestClient, user: AuthUser, **changes: Any) -> dict[str, Any]:
    body = {
        "routine_id": LOWER_BACK,
        "area": "lower",
        "started_at": "2026-12-05T21:00:00-06:00",
        "completed_at": "2026-12-05T21:20:00-06:00",
        "pain_before": 4,
        "pain_after": 4,
        "exercises": [{"exercise_slug": "abdominal-crunches", "sets": 1, "reps": 20}],
    } | changes
    response = client.post("/v1/progress/sessions", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    return response.json()


def csv_rows(client: TestClient, user: AuthUser, day: str) -> list[dict[str, str]]:
    response = client.get(
        "/v1/me/report/csv",
        params={"from": day, "to": day},
        headers=user.headers,
    )
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text)))


def test_a_later_checkin_keeps_the_earlier_warning_sign(
    client: TestClient, alice: AuthUser
) -> None:
    morning = checkin(
        client,
        alice,
        recorded_at="2026-12-05T08:00:00-06:00",
        pain=5,
        red_flags=["saddle_numbness"],
    )
    assert morning["triage"]["level"] == "urgent_care"
    evening = checkin(client, alice, recorded_at="2026-12-05T21:00:00-06:00", pain=3)
    assert evening["replaced"] == morning["id"]

    (item,) = attention(client, alice)
    assert (item["kind"], item["raised_on"], item["timeframe"]) == (
        "warning_sign",
        "2026-12-05",
        "now",
    )
    assert item["advice"].startswith("Get medical help now")
    (row,) = csv_rows(client, alice, "2026-12-05")
    assert row["checkin_pain"] == "3"
    assert row["warning_signs"] == (
        "New numbness or tingling in the saddle area (genitals, buttocks, inner thighs)."
    )
    assert row["urgency"] == "Emergency: be seen now"
    (concern,) = safety(client, alice)["concerns"]
    assert concern["timeframe"] == "now" and concern["signs"] == ["saddle_numbness"]
    assert [r["source_id"] for r in concern["reports"]] == [morning["id"]]
    assert concern["reports"][0]["red_flags"] == ["saddle_numbness"]


def test_severe_checkins_escalate_like_a_recommendation(
    client: TestClient, alice: AuthUser
) -> None:
    at_eight = recommend(client, None, pain_level=8)
    start = date(2026, 11, 26)
    for n in range(10):
        day = (start + timedelta(days=n)).isoformat()
        stored = checkin(client, alice, recorded_at=f"{day}T09:00:00-06:00", pain=8)
        assert stored["pain_band"] == "severe"
        assert stored["triage"] == at_eight["triage"]
        assert stored["referral"] == at_eight["referral"]
    kinds = [i["kind"] for i in attention(client, alice)]
    assert kinds == ["lasting_severe_pain"]
    (trend,) = [i for i in attention(client, alice)]
    assert trend["raised_on"] == "2026-11-28"  # the third severe day in a row
    assert "8, 8, 8" in trend["reason"]
    state = safety(client, alice)
    assert {(c["source"], c["timeframe"]) for c in state["concerns"]} == {
        ("checkin", "soon"),
        ("diary_trend", "soon"),
    }
    assert state["exercise"] == "on_hold"


def test_severe_pain_in_one_area_is_the_checkins_pain(client: TestClient, alice: AuthUser) -> None:
    stored = checkin(
        client,
        alice,
        recorded_at="2026-12-05T08:00:00-06:00",
        pain=2,
        areas={"lower": 9},
        cautions=["leg_pain_below_knee"],
    )
    triage = stored["triage"]
    assert (triage["level"], triage["timeframe"], triage["pain_band"]) == (
        "see_doctor",
        "soon",
        "severe",
    )
    assert "suggested order" not in triage["message"]
    assert "(9 out of 10)" in " ".join(triage["reasons"])
    mild = checkin(
        client,
        alice,
        recorded_at="2026-12-05T09:00:00-06:00",
        pain=2,
        areas={"lower": 2},
        cautions=["leg_pain_below_knee"],
    )["triage"]
    # A check-in carries no moves: its answer never offers any.
    assert mild["level"] == "self_care"
    assert "suggested order" not in mild["message"]
    assert "normal activities" in mild["message"]


def test_peg_worsening_from_a_baseline_of_zero_raises_a_concern(
    client: TestClient, alice: AuthUser
) -> None:
    scores = []
    for day, value in (("2026-11-20", 0), ("2026-11-27", 8), ("2026-12-04", 9)):
        body = {
            "answered_at": f"{day}T09:00:00-06:00",
            "pain": value,
            "enjoyment": value,
            "activity": value,
        }
        response = client.post("/v1/outcomes/peg/responses", json=body, headers=alice.headers)
        assert response.status_code == 201, response.text
        scores.append(response.json())
    assert [s["meaningful_worsening"] for s in scores] == [False, True, True]
    assert scores[1]["change_percent"] is None and scores[1]["change_points"] == 8.0
    (concern,) = safety(client, alice)["concerns"]
    assert (concern["source"], concern["timeframe"], concern["exercise"]) == (
        "peg",
        "soon",
        "allowed",
    )
    assert "from 0 at your first questionnaire to 8" in concern["reasons"][0]
    assert [i["kind"] for i in attention(client, alice)] == ["peg_worsening"]
    # A later response no longer meaningfully worse than the first clears it.
    body = {"answered_at": "2026-12-05T09:00:00-06:00", "pain": 0, "enjoyment": 0, "activity": 1}
    assert client.post("/v1/outcomes/peg/responses", json=body, headers=alice.headers).is_success
    assert safety(client, alice)["concerns"] == []


def test_an_urgent_answer_stops_the_exercise_loop(client: TestClient, alice: AuthUser) -> None:
    plan_every_day(client, alice)
    today = client.get("/v1/plans/today", headers=alice.headers).json()
    assert [d["routine_name"] for d in today["data"]] == ["Lower back relief"]
    assert today["safety"]["exercise"] == "allowed"

    urgent = checkin(
        client, alice, recorded_at="2026-12-05T20:00:00-06:00", pain=5, red_flags=["chest_pain"]
    )
    assert urgent["triage"]["level"] == "urgent_care"
    today = client.get("/v1/plans/today", headers=alice.headers).json()
    assert today["data"] == [] and today["done"] == 0
    assert today["safety"]["exercise"] == "on_hold"
    assert today["safety"]["message"].startswith("Get medical help now")
    # The next days too, until she says she was seen.
    later = client.get(
        "/v1/plans/today", params={"date": "2026-12-07"}, headers=alice.headers
    ).json()
    assert later["data"] == []

    # A session is stored all the same, and answered with the emergency guidance only.
    logged = log_session(client, alice)
    assert logged["advice"].startswith("Get medical help now")
    assert logged["general_guidance"] is None
    stored = client.get(f"/v1/progress/sessions/{logged['id']}", headers=alice.headers)
    assert stored.status_code == 200

    # A signed-in recommendation with a clear screen carries no moves.
    answer = recommend(client, alice)
    assert answer["moves"] == [] and answer["estimated_seconds"] == 0
    assert (answer["triage"]["level"], answer["triage"]["timeframe"]) == ("urgent_care", "now")
    assert answer["disclaimer"] is None and answer["referral"] is None
    assert "Until you tell us you have been seen" in " ".join(answer["triage"]["reasons"])
    # Anonymously, the same answers still get the moves: the state is the person's.
    assert recommend(client, None)["moves"]

    # Routines lead with the concern's guidance.
    routines = client.get("/v1/routines", headers=alice.headers).json()
    assert next(iter(routines)) == "safety"
    assert routines["safety"]["exercise"] == "on_hold"
    one = client.get(f"/v1/routines/{LOWER_BACK}", headers=alice.headers).json()
    assert next(iter(one)) == "safety" and one["safety"]["timeframe"] == "now"
    assert client.get(f"/v1/routines/{LOWER_BACK}").json()["safety"] is None

    summary = client.get("/v1/progress/summary", headers=alice.headers).json()
    assert summary["safety"]["exercise"] == "on_hold"


def test_advice_keeps_people_active_and_one_timeframe_has_one_wording(
    client: TestClient, alice: AuthUser, bob: AuthUser
) -> None:
    flare = log_session(client, alice, pain_before=2, pain_after=5)
    assert "rest" not in flare["advice"]
    assert "stop a move that makes it worse" in flare["advice"].lower()
    guidance = flare["general_guidance"]
    assert guidance["quote"] == NG59_QUOTE and "1.2.1" in guidance["source"]
    self_care = recommend(client, None)
    assert self_care["general_guidance"] == guidance

    severe = log_session(client, bob, pain_before=5, pain_after=8)
    at_eight = recommend(client, None, pain_level=8)
    assert at_eight["triage"]["message"] in severe["advice"]
    assert "in the next few days" in severe["advice"]
    assert "if it doesn't ease" not in severe["advice"]
    # Ending in severe pain is a concern, with the same words again.
    (concern,) = safety(client, bob)["concerns"]
    assert (concern["source"], concern["timeframe"]) == ("session", "soon")
    assert concern["guidance"] == at_eight["triage"]["message"]


def test_attention_comes_most_urgent_first_and_concerns_are_followed_up(
    client: TestClient, alice: AuthUser
) -> None:
    def on(day: str, **body: Any) -> dict[str, Any]:
        return checkin(client, alice, recorded_at=f"{day}T09:00:00-06:00", **body)

    on("2026-11-01", pain=4, red_flags=["major_trauma"])  # now
    on("2026-11-10", pain=4, red_flags=["fever_or_unwell"])  # today
    on("2026-11-20", pain=4, red_flags=["cancer_history"])  # soon
    for day in ("2026-12-01", "2026-12-02", "2026-12-03"):
        log_session(
            client,
            alice,
            started_at=f"{day}T07:00:00-06:00",
            completed_at=f"{day}T07:20:00-06:00",
            pain_before=2,
            pain_after=5,
        )
    items = attention(client, alice)
    assert [(i["kind"], i["timeframe"]) for i in items] == [
        ("warning_sign", "now"),
        ("warning_sign", "today"),
        ("warning_sign", "soon"),
        ("flare_ups", "routine"),
    ]
    assert items[-1]["general_guidance"]["quote"] == NG59_QUOTE
    assert all(i["general_guidance"] is None for i in items[:-1])

    # Weeks later, each open concern asks whether she was seen.
    state = safety(client, alice)
    assert [c["timeframe"] for c in state["concerns"]] == ["now", "today", "soon"]
    assert state["follow_up_due"] is True
    assert all(c["follow_up_question"].startswith("Were you seen?") for c in state["concerns"])
    summary = client.get("/v1/progress/summary", headers=alice.headers).json()
    assert summary["safety"]["follow_up_due"] is True
    today = client.get("/v1/plans/today", headers=alice.headers).json()
    assert today["safety"]["follow_up_due"] is True


def test_a_concern_is_asked_about_once_its_timeframe_has_passed(
    client: TestClient, alice: AuthUser
) -> None:
    checkin(
        client, alice, recorded_at="2026-12-05T21:00:00-06:00", pain=4, red_flags=["chest_pain"]
    )
    (concern,) = safety(client, alice)["concerns"]
    assert concern["follow_up_due"] is False and concern["follow_up_question"] is None
    assert concern["follow_up_due_at"] == "2026-12-06T09:00:00Z"
    freeze_now(datetime(2026, 12, 6, 9, 0, tzinfo=UTC))
    (concern,) = safety(client, alice)["concerns"]
    assert concern["follow_up_due"] is True
    assert concern["follow_up_question"].startswith("Were you seen?")


def test_only_the_person_closes_an_urgent_concern(
    client: TestClient, alice: AuthUser, bob: AuthUser
) -> None:
    plan_every_day(client, alice)
    checkin(
        client,
        alice,
        recorded_at="2026-12-04T09:00:00-06:00",
        pain=6,
        red_flags=["bladder_bowel_change"],
    )
    # A later clear screen does not close it: an urgent concern never closes by itself.
    checkin(client, alice, recorded_at="2026-12-05T09:00:00-06:00", pain=1, red_flags=[])
    recommend(client, alice)
    (concern,) = safety(client, alice)["concerns"]
    path = f"/v1/me/safety/concerns/{concern['id']}/close"

    assert client.post(path, json={"seen_on": "2026-12-05"}, headers=bob.headers).status_code == 404
    for seen_on in ("2026-12-03", "2026-12-06"):  # before it opened; after today in Chicago
        bad = client.post(path, json={"seen_on": seen_on}, headers=alice.headers)
        assert bad.status_code == 422, bad.text
        assert bad.json()["errors"][0]["loc"] == ["body", "seen_on"]
    assert client.post(path, json={}, headers=alice.headers).status_code == 422

    closed = client.post(
        path, json={"seen_on": "2026-12-05", "note": "Seen at A&E."}, headers=alice.headers
    )
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert (body["status"], body["closed_by"], body["seen_on"], body["note"]) == (
        "closed",
        "person",
        "2026-12-05",
        "Seen at A&E.",
    )
    assert body["closed_at"] == "2026-12-06T04:00:00Z"
    # Again: nothing changes.
    again = client.post(path, json={"seen_on": "2026-12-04"}, headers=alice.headers).json()
    assert again == body

    state = safety(client, alice)
    assert (state["status"], state["exercise"], state["concerns"]) == ("clear", "allowed", [])
    today = client.get("/v1/plans/today", headers=alice.headers).json()
    assert [d["routine_name"] for d in today["data"]] == ["Lower back relief"]
    assert recommend(client, alice)["moves"]
    # The history keeps it, and what was reported.
    history = client.get("/v1/me/safety/concerns", headers=alice.headers).json()
    assert history["count"] == 1 and history["data"][0]["reports"][0]["red_flags"] == [
        "bladder_bowel_change"
    ]


def test_a_soon_concern_closes_with_a_later_clear_screen(
    client: TestClient, alice: AuthUser
) -> None:
    checkin(
        client, alice, recorded_at="2026-12-04T09:00:00-06:00", pain=4, red_flags=["cancer_history"]
    )
    assert safety(client, alice)["exercise"] == "on_hold"
    # Pain alone, the screen not asked: not a screen, nothing closes.
    checkin(client, alice, recorded_at="2026-12-05T08:00:00-06:00", pain=3)
    assert len(safety(client, alice)["concerns"]) == 1
    # The screen asked again, nothing answered yes, pain below 7: it closes.
    checkin(client, alice, recorded_at="2026-12-05T09:00:00-06:00", pain=3, red_flags=[])
    state = safety(client, alice)
    assert state["concerns"] == [] and state["exercise"] == "allowed"
    (closed,) = client.get(
        "/v1/me/safety/concerns", params={"status": "closed"}, headers=alice.headers
    ).json()["data"]
    assert closed["closed_by"] == "later_screen" and closed["seen_on"] is None


def test_a_signed_in_recommendation_reports_into_the_safety_state(
    client: TestClient, alice: AuthUser
) -> None:
    answer = recommend(client, alice, red_flags=["fever_or_unwell"])
    assert answer["triage"]["timeframe"] == "today" and answer["moves"] == []
    assert answer["safety"]["exercise"] == "on_hold"
    (concern,) = answer["safety"]["concerns"]
    assert (concern["source"], concern["timeframe"]) == ("recommendation", "today")
    # A clear screen afterwards still gets no moves, and says why.
    clear = recommend(client, alice)
    assert clear["moves"] == [] and clear["triage"]["timeframe"] == "today"
    assert clear["triage"]["message"] == concern["guidance"]


def test_signed_in_recommendations_are_never_sent_to_someone_else(
    client: TestClient, alice: AuthUser, bob: AuthUser
) -> None:
    recommend(client, alice, red_flags=["chest_pain"])
    held = recommend(client, alice)
    assert held["moves"] == []
    # The same request from someone else: their own answer, never alice's kept one.
    response = client.post(
        "/v1/recommendations",
        json={"area": "lower", "pain_level": 3, "red_flags": [], "cautions": []},
        headers=bob.headers,
    )
    assert response.json()["moves"]
    assert response.json()["safety"]["status"] == "clear"
    assert response.headers["cache-control"] == "no-store"
    assert "Authorization" in response.headers["vary"]


def test_answers_are_recorded_only_with_health_data_consent(
    client: TestClient, carol: AuthUser
) -> None:
    answer = recommend(client, carol, red_flags=["chest_pain"])
    assert answer["triage"]["level"] == "urgent_care"
    # Health data is not stored without consent: the state stays clear.
    assert answer["safety"]["status"] == "clear"
    assert safety(client, carol)["concerns"] == []
