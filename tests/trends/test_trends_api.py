"""Trends in the progress summary: check-in pain, sessions' pain, PEG per week, days with a
check-in, over the requested window in the person's timezone."""

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from tests.factories import AuthUser, freeze_now, log_session, set_timezone

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(alice: AuthUser) -> None:
    freeze_now(NOW)


def test_trends_over_the_window(client: TestClient, alice: AuthUser) -> None:
    set_timezone(client, alice, "America/Chicago")
    for stamp, pain in [
        ("2026-11-10T20:00:00-06:00", 6),
        # 23:30 in Chicago on the 20th is the 21st in UTC: it counts for the 20th.
        ("2026-11-20T23:30:00-06:00", 5),
        ("2026-11-21T00:30:00-06:00", 4),
        ("2026-11-24T08:00:00-06:00", 3),
    ]:
        body = {"recorded_at": stamp, "pain": pain}
        assert client.post("/v1/checkins", json=body, headers=alice.headers).status_code == 201
    log_session(client, alice, pain_before=6, pain_after=3)
    for day, score in [("2026-11-02", 6), ("2026-11-09", 5), ("2026-11-19", 4)]:
        body = {
            "answered_at": f"{day}T15:00:00Z",
            "pain": score,
            "enjoyment": score,
            "activity": score,
        }
        client.post("/v1/outcomes/peg/responses", json=body, headers=alice.headers)

    summary = client.get("/v1/progress/summary", params={"days": 7}, headers=alice.headers)
    assert summary.status_code == 200, summary.text
    body = summary.json()
    assert body["total_sessions"] == 1
    trends = body["trends"]
    assert (trends["date_from"], trends["date_to"]) == ("2026-11-18", "2026-11-24")
    assert trends["checkin_pain"] == [
        {"date": "2026-11-20", "pain": 5},
        {"date": "2026-11-21", "pain": 4},
        {"date": "2026-11-24", "pain": 3},
    ]
    assert trends["session_pain"] == [
        {"date": "2026-11-20", "sessions": 1, "average_pain_before": 6.0, "average_pain_after": 3.0}
    ]
    assert trends["session_pain"] == body["daily_pain"]
    assert trends["checkin_days"] == {"days": 7, "with_checkin": 3, "without_checkin": 4}
    peg = trends["peg"]
    assert (peg["baseline_date"], peg["baseline_score"]) == ("2026-11-02", 6.0)
    assert peg["weekly"] == [
        {"week_start": "2026-11-16", "score": 4.0, "count": 1, "change_percent": -33.3}
    ]

    wide = client.get("/v1/progress/summary", params={"days": 30}, headers=alice.headers).json()
    assert wide["trends"]["checkin_days"]["with_checkin"] == 4
    assert [w["week_start"] for w in wide["trends"]["peg"]["weekly"]] == [
        "2026-11-02",
        "2026-11-09",
        "2026-11-16",
    ]


def test_no_data_gives_empty_series(client: TestClient, alice: AuthUser) -> None:
    trends = client.get("/v1/progress/summary", headers=alice.headers).json()["trends"]
    assert trends["checkin_pain"] == [] and trends["session_pain"] == []
    assert trends["peg"] == {"baseline_date": None, "baseline_score": None, "weekly": []}
    assert trends["checkin_days"] == {"days": 30, "with_checkin": 0, "without_checkin": 30}
