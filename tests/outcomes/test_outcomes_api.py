"""The PEG through the API: the questionnaire from the seed, responses scored against the
first, meaningful change at 30%, safe retries and privacy."""

import json
import uuid
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.outcomes import scoring
from tests.factories import AuthUser, freeze_now, set_timezone

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
SEED = Path(__file__).resolve().parents[2] / "seed" / "outcomes.json"


@pytest.fixture(autouse=True)
def frozen_clock(alice: AuthUser, bob: AuthUser) -> None:
    freeze_now(NOW)


def answer(client: TestClient, user: AuthUser, **body: Any) -> Any:
    payload = {"answered_at": "2026-11-02T09:00:00Z", "pain": 6, "enjoyment": 6, "activity": 6}
    return client.post("/v1/outcomes/peg/responses", json=payload | body, headers=user.headers)


def test_the_questionnaire_is_the_seeds(client: TestClient) -> None:
    response = client.get("/v1/outcomes/peg")
    assert response.status_code == 200
    assert "ETag" in response.headers
    peg = response.json()
    (seeded,) = json.loads(SEED.read_text())["questionnaires"]
    assert [i["id"] for i in peg["items"]] == ["pain", "enjoyment", "activity"]
    assert [i["text"] for i in peg["items"]] == [i["text"] for i in seeded["items"]]
    assert all((i["min"], i["max"]) == (0, 10) for i in peg["items"])
    assert peg["items"][0]["anchor_high"] == "Pain as bad as you can imagine"
    assert peg["citation"].startswith("Krebs EE")
    assert peg["meaningful_change_percent"] == 30


def test_scores_against_the_baseline(client: TestClient, alice: AuthUser) -> None:
    first = answer(client, alice)
    assert first.status_code == 201, first.text
    assert first.headers["location"].endswith(first.json()["id"])
    base = first.json()
    assert (base["score"], base["baseline"], base["change_percent"]) == (6.0, True, 0.0)
    # 6 -> 4.33: a drop of 27.8%, not yet meaningful.
    week = answer(
        client, alice, answered_at="2026-11-09T09:00:00Z", pain=5, enjoyment=4, activity=4
    )
    assert week.json()["score"] == 4.33
    assert week.json()["change_percent"] == -27.8
    assert week.json()["meaningful_improvement"] is False
    # 6 -> 4.0: exactly 33.3% better, meaningful; 6 -> 8 is 33.3% worse.
    better = answer(
        client, alice, answered_at="2026-11-16T09:00:00Z", pain=4, enjoyment=4, activity=4
    )
    assert better.json()["meaningful_improvement"] is True
    worse = answer(
        client, alice, answered_at="2026-11-23T09:00:00Z", pain=8, enjoyment=8, activity=8
    )
    assert worse.json()["meaningful_worsening"] is True
    assert worse.json()["baseline_score"] == 6.0

    listed = client.get("/v1/outcomes/peg/responses", headers=alice.headers).json()
    assert listed["count"] == 4
    assert [r["score"] for r in listed["data"]] == [8.0, 4.0, 4.33, 6.0]
    assert listed["next_due_on"] == "2026-11-30"
    paged = client.get(
        "/v1/outcomes/peg/responses", params={"limit": 3}, headers=alice.headers
    ).json()
    rest = client.get(
        "/v1/outcomes/peg/responses",
        params={"limit": 3, "cursor": paged["next_cursor"]},
        headers=alice.headers,
    ).json()
    assert [r["score"] for r in rest["data"]] == [6.0] and rest["next_cursor"] is None


THRESHOLDS = scoring.Thresholds.of(1.0, 30)


@pytest.mark.parametrize(
    ("baseline", "now", "improved", "worsened"),
    [
        ((6, 6, 6), (4, 4, 4), True, False),  # -2 points, -33%
        ((10, 10, 10), (7, 7, 7), True, False),  # -3 points, exactly -30%
        ((10, 10, 10), (8, 7, 7), False, False),  # -2.67 points but only -26.7%
        ((5, 5, 5), (7, 7, 6), False, True),  # +1.67 points, +33%
        ((5, 5, 5), (6, 6, 6), False, False),  # +1 point but only +20%
        ((3, 3, 3), (2, 2, 2), True, False),  # exactly -1 point, -33%
        ((9, 9, 9), (8, 8, 8), False, False),  # -1 point, only -11%
        # A small baseline: a large share of it, but under a point, is no change at all.
        ((1, 0, 0), (0, 0, 0), False, False),  # 0.33 -> 0, -100%
        ((1, 0, 0), (2, 0, 0), False, False),  # 0.33 -> 0.67, +100%
        ((1, 0, 0), (2, 1, 1), False, True),  # 0.33 -> 1.33: +1 point
        # A baseline of 0: nothing to improve; the absolute threshold alone judges a rise.
        ((0, 0, 0), (0, 0, 0), False, False),
        ((0, 0, 0), (1, 0, 0), False, False),  # +0.33
        ((0, 0, 0), (1, 1, 1), False, True),  # +1
        ((0, 0, 0), (8, 8, 8), False, True),
    ],
)
def test_meaningful_change_table(
    baseline: tuple[int, int, int], now: tuple[int, int, int], improved: bool, worsened: bool
) -> None:
    change = scoring.meaningful_change(sum(baseline), sum(now), THRESHOLDS)
    assert (change.improved, change.worsened) == (improved, worsened)


def test_thresholds_are_exact_at_the_boundary() -> None:
    # 1.75 points is a sum of 5.25: a change of 5 misses it, 6 reaches it, with no float error.
    wide = scoring.Thresholds.of(1.75, 0)
    assert not scoring.meaningful_change(15, 20, wide).worsened
    assert scoring.meaningful_change(15, 21, wide).worsened
    assert scoring.Thresholds.of(0.1, 0).points == Fraction(1, 10)


def test_small_changes_from_a_small_baseline_are_not_meaningful(
    client: TestClient, alice: AuthUser
) -> None:
    base = answer(client, alice, pain=1, enjoyment=0, activity=0).json()
    assert base["score"] == 0.33
    gone = answer(
        client, alice, answered_at="2026-11-09T09:00:00Z", pain=0, enjoyment=0, activity=0
    ).json()
    assert gone["change_percent"] == -100.0 and gone["change_points"] == -0.33
    assert gone["meaningful_improvement"] is False
    doubled = answer(
        client, alice, answered_at="2026-11-16T09:00:00Z", pain=2, enjoyment=0, activity=0
    ).json()
    assert doubled["change_percent"] == 100.0
    assert doubled["meaningful_worsening"] is False


def test_the_seed_says_what_each_source_says(client: TestClient) -> None:
    peg = client.get("/v1/outcomes/peg").json()
    assert (peg["meaningful_change_points"], peg["meaningful_change_percent"]) == (1.0, 30)
    points, percent = peg["meaningful_change_points_source"], peg["meaningful_change_source"]
    # The published minimal important differences of the PEG, and which value is chosen.
    assert "Reed DE" in points and "1.0 to 1.75" in points and "inferred" in points
    # IMMPACT's 30% is for improvement in pain intensity; the PEG's paper sets no threshold.
    assert "Dworkin RH" in percent and "pain intensity" in percent and "inference" in percent
    assert "sets no threshold" in percent
    assert "which the PEG's authors applied" not in percent


def test_next_due_is_today_without_responses(client: TestClient, alice: AuthUser) -> None:
    set_timezone(client, alice, "Pacific/Auckland")
    listed = client.get("/v1/outcomes/peg/responses", headers=alice.headers).json()
    # 18:00 UTC on the 24th is already the 25th in Auckland.
    assert (listed["count"], listed["next_due_on"]) == (0, "2026-11-25")


def test_retries_conflicts_and_privacy(client: TestClient, alice: AuthUser, bob: AuthUser) -> None:
    response_id = str(uuid.uuid4())
    assert answer(client, alice, id=response_id).status_code == 201
    assert answer(client, alice, id=response_id).status_code == 200
    assert answer(client, alice, id=response_id, pain=2).status_code == 409
    assert answer(client, bob, id=response_id).status_code == 409
    path = f"/v1/outcomes/peg/responses/{response_id}"
    assert client.get(path, headers=bob.headers).status_code == 404
    assert client.get(path, headers=alice.headers).json()["baseline"] is True
    assert client.delete(path, headers=bob.headers).status_code == 404
    assert client.delete(path, headers=alice.headers).status_code == 204
    assert answer(client, alice, answered_at="2026-11-25T09:00:00Z").status_code == 422
    assert answer(client, alice, enjoyment=11).status_code == 422
