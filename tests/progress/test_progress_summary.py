"""The progress summary: figures on a known data set, and days counted in the user's timezone
(across midnight and across both daylight-saving changes)."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import literal
from sqlmodel import Session, select

from app.progress.pain import is_flare_up, is_meaningful_improvement
from tests.factories import AuthUser, freeze_now, log_session, register_user, set_timezone


def summary(client: TestClient, user: AuthUser, query: str = "") -> dict[str, Any]:
    response = client.get(f"/v1/progress/summary?{query}", headers=user.headers)
    assert response.status_code == 200, response.text
    return response.json()


def at(
    client: TestClient,
    user: AuthUser,
    completed: str,
    before: int = 5,
    after: int = 4,
    exercises: list[tuple[str, int]] | None = None,
) -> dict[str, Any]:
    """Log a ten-minute session ending at `completed` (ISO 8601 with offset)."""
    end = datetime.fromisoformat(completed)
    start = end - timedelta(minutes=10)
    return log_session(
        client,
        user,
        started_at=start.isoformat(),
        completed_at=end.isoformat(),
        pain_before=before,
        pain_after=after,
        exercises=[
            {"exercise_slug": slug, "sets": sets, "reps": 5}
            for slug, sets in (exercises or [("cat-camel", 1)])
        ],
    )


@pytest.fixture()
def new_yorker(client: TestClient) -> AuthUser:
    user = register_user(client)
    set_timezone(client, user, "America/New_York")
    return user


def test_summary_with_no_sessions(client: TestClient, new_yorker: AuthUser) -> None:
    freeze_now(datetime(2026, 11, 23, 18, 0, tzinfo=UTC))
    body = summary(client, new_yorker)
    assert body["timezone"] == "America/New_York"
    assert body["today"] == "2026-11-23"
    assert body["total_sessions"] == 0
    assert (body["current_streak_days"], body["longest_streak_days"]) == (0, 0)
    assert body["average_pain_change"] is None and body["improvement_share"] is None
    assert body["flare_ups"] == {"count": 0, "share": None, "recent": []}
    assert body["exercises"] == [] and body["daily_pain"] == []


def test_summary_figures_on_a_known_data_set(client: TestClient, new_yorker: AuthUser) -> None:
    freeze_now(datetime(2026, 11, 23, 18, 0, tzinfo=UTC))  # 13:00 in New York
    u = new_yorker
    at(client, u, "2026-11-23T08:00:00-05:00", 6, 3, [("knee-rolls", 1), ("hamstring-stretch", 2)])
    at(client, u, "2026-11-23T12:00:00-05:00", 4, 3)  # -1 of 4 is 25%: not meaningful
    at(client, u, "2026-11-22T20:00:00-05:00", 5, 5)
    # 23:30 in New York is already the 22nd in UTC; it counts for the 21st.
    rise = at(client, u, "2026-11-21T23:30:00-05:00", 4, 7, [("knee-rolls", 2)])
    at(client, u, "2026-11-20T09:00:00-05:00", 3, 2, [("cat-camel", 1), ("knee-rolls", 1)])
    high = at(client, u, "2026-11-10T09:00:00-05:00", 8, 6, [("shoulder-rotations", 1)])
    at(client, u, "2026-10-20T09:00:00-04:00", 7, 4, [("hamstring-stretch", 1)])

    body = summary(client, u)
    assert body["total_sessions"] == 7
    assert body["sessions_last_7_days"] == 5  # 17-23 November
    assert body["sessions_last_30_days"] == 6  # 25 October - 23 November
    assert (body["current_streak_days"], body["longest_streak_days"]) == (4, 4)
    assert body["average_pain_before"] == round(37 / 7, 2)
    assert body["average_pain_after"] == round(30 / 7, 2)
    assert body["average_pain_change"] == -1.0
    # 6->3, 3->2 (33%), 8->6 and 7->4 improved; 4->3, 5->5 and 4->7 did not.
    assert body["improved_sessions"] == 4
    assert body["improvement_share"] == round(4 / 7, 4)
    # 4->7 rose by 3; 8->6 eased, so it is an improvement and not a flare-up.
    assert body["flare_ups"]["count"] == 1
    assert body["flare_ups"]["share"] == round(1 / 7, 4)
    assert [f["id"] for f in body["flare_ups"]["recent"]] == [rise["id"]]
    assert high["improved"] is True and high["flare_up"] is False
    assert body["flare_ups"]["recent"][0]["local_date"] == "2026-11-21"
    assert [(e["exercise_slug"], e["sessions"], e["sets"]) for e in body["exercises"]] == [
        ("cat-camel", 3, 3),  # ties in article order
        ("knee-rolls", 3, 4),
        ("hamstring-stretch", 2, 3),
        ("shoulder-rotations", 1, 1),
    ]
    assert [
        (d["date"], d["sessions"], d["average_pain_before"], d["average_pain_after"])
        for d in body["daily_pain"]
    ] == [
        ("2026-11-10", 1, 8.0, 6.0),
        ("2026-11-20", 1, 3.0, 2.0),
        ("2026-11-21", 1, 4.0, 7.0),
        ("2026-11-22", 1, 5.0, 5.0),
        ("2026-11-23", 2, 5.0, 3.0),
    ]
    longer = summary(client, u, "days=60")["daily_pain"]
    assert [d["date"] for d in longer][:2] == ["2026-10-20", "2026-11-10"]
    assert [d["date"] for d in summary(client, u, "days=1")["daily_pain"]] == ["2026-11-23"]


@pytest.mark.parametrize("days", ["0", "367", "week"])
def test_bad_days_parameter_is_a_422(client: TestClient, new_yorker: AuthUser, days: str) -> None:
    response = client.get(f"/v1/progress/summary?days={days}", headers=new_yorker.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.days"


def streak(client: TestClient, user: AuthUser) -> tuple[int, int]:
    body = summary(client, user)
    return body["current_streak_days"], body["longest_streak_days"]


def test_sessions_either_side_of_local_midnight_are_two_days(
    client: TestClient, new_yorker: AuthUser
) -> None:
    freeze_now(datetime(2026, 11, 22, 18, 0, tzinfo=UTC))
    # 04:50 and 05:10 UTC on the 22nd: one UTC day, but two days in New York.
    at(client, new_yorker, "2026-11-21T23:50:00-05:00")
    at(client, new_yorker, "2026-11-22T00:10:00-05:00")
    assert streak(client, new_yorker) == (2, 2)
    # The next evening in New York is still the 22nd there, though the 23rd in UTC.
    freeze_now(datetime(2026, 11, 23, 3, 0, tzinfo=UTC))
    assert summary(client, new_yorker)["today"] == "2026-11-22"
    assert streak(client, new_yorker) == (2, 2)


def test_two_utc_days_can_be_one_local_day(client: TestClient) -> None:
    user = register_user(client)
    set_timezone(client, user, "Asia/Tokyo")
    freeze_now(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    # 23:00 UTC on the 21st and 11:00 UTC on the 22nd are both the 22nd in Tokyo.
    at(client, user, "2026-11-21T23:00:00+00:00")
    at(client, user, "2026-11-22T11:00:00+00:00")
    assert streak(client, user) == (1, 1)


def test_streak_across_the_spring_forward(client: TestClient, new_yorker: AuthUser) -> None:
    """Clocks in New York jump from 02:00 to 03:00 on 8 March 2026 (UTC-5 to UTC-4)."""
    freeze_now(datetime(2026, 3, 9, 16, 0, tzinfo=UTC))
    at(client, new_yorker, "2026-03-07T21:00:00-05:00")
    at(client, new_yorker, "2026-03-08T23:30:00-04:00")
    # 04:30 UTC on the 9th: 00:30 on the 9th in New York (UTC-5 would say the 8th).
    at(client, new_yorker, "2026-03-09T04:30:00+00:00")
    assert streak(client, new_yorker) == (3, 3)
    days = [
        s["local_date"]
        for s in client.get("/v1/progress/sessions", headers=new_yorker.headers).json()["data"]
    ]
    assert days == ["2026-03-09", "2026-03-08", "2026-03-07"]


def test_streak_across_the_fall_back(client: TestClient, new_yorker: AuthUser) -> None:
    """Clocks in New York go back from 02:00 to 01:00 on 1 November 2026 (UTC-4 to UTC-5)."""
    freeze_now(datetime(2026, 11, 3, 12, 0, tzinfo=UTC))  # 07:00 on the 3rd, nothing yet
    at(client, new_yorker, "2026-10-31T23:30:00-04:00")
    # 04:30 UTC on 2 November: 23:30 on the 1st in New York (UTC-4 would say the 2nd).
    at(client, new_yorker, "2026-11-02T04:30:00+00:00")
    at(client, new_yorker, "2026-11-02T23:30:00-05:00")
    assert streak(client, new_yorker) == (3, 3)
    freeze_now(datetime(2026, 11, 4, 12, 0, tzinfo=UTC))  # a whole day missed
    assert streak(client, new_yorker) == (0, 3)


def test_days_stay_where_they_were_logged_after_moving_timezone(
    client: TestClient, new_yorker: AuthUser
) -> None:
    freeze_now(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    logged = at(client, new_yorker, "2026-11-21T23:30:00-05:00")
    set_timezone(client, new_yorker, "Asia/Tokyo")
    body = summary(client, new_yorker)
    assert body["timezone"] == "Asia/Tokyo" and body["today"] == "2026-11-22"
    assert [d["date"] for d in body["daily_pain"]] == [logged["local_date"]] == ["2026-11-21"]


def test_sql_and_python_agree_on_every_pair_of_scores(db: Session) -> None:
    from app.progress.pain import flare_up_sql, improved_sql

    for before in range(11):
        for after in range(11):
            improved, flare = db.exec(
                select(
                    improved_sql(literal(before), literal(after)),
                    flare_up_sql(literal(before), literal(after)),
                )
            ).one()
            assert bool(improved) is is_meaningful_improvement(before, after), (before, after)
            assert bool(flare) is is_flare_up(before, after), (before, after)
