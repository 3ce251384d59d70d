"""One name for one idea: step order is `order`, durations are `estimated_seconds`, and the
old names stay (deprecated, with Deprecation and Sunset) until /v2. Curated routines have ids
derived from their slug and can be fetched by it."""

import httpx
import pytest
from fastapi.testclient import TestClient

from app.routines.models import curated_routine_id
from tests.factories import AFTER_SAMPLES, create_routine, log_session, register_user

DEPRECATED = "@1795478400"  # 2026-11-24
SUNSET = "Mon, 24 May 2027 00:00:00 GMT"


def assert_announces_old_names(response: httpx.Response) -> None:
    assert response.headers["deprecation"] == DEPRECATED
    assert response.headers["sunset"] == SUNSET


def test_routine_steps_say_order_and_estimated_seconds(client: TestClient) -> None:
    user = register_user(client)
    routine = create_routine(client, user)
    response = client.get(f"/v1/routines/{routine['id']}", headers=user.headers)
    assert_announces_old_names(response)
    body = response.json()
    assert [s["order"] for s in body["steps"]] == [1, 2]
    for step in body["steps"]:
        assert step["position"] == step["order"]
        assert step["estimated_seconds"] == step["estimated_duration_seconds"] > 0
    assert body["estimated_seconds"] == body["estimated_duration_seconds"]
    assert body["estimated_seconds"] == sum(s["estimated_seconds"] for s in body["steps"]) + 15


@pytest.mark.time_machine(AFTER_SAMPLES)
def test_session_moves_say_order(client: TestClient) -> None:
    user = register_user(client)
    session = log_session(client, user)
    assert [e["order"] for e in session["exercises"]] == [1, 2]
    assert [e["position"] for e in session["exercises"]] == [1, 2]
    listed = client.get("/v1/progress/sessions", headers=user.headers)
    assert_announces_old_names(listed)


def test_recommended_moves_come_in_the_order_they_are_done(client: TestClient) -> None:
    response = client.post(
        "/v1/recommendations",
        json={"area": "lower", "pain_level": 3, "red_flags": [], "cautions": []},
    )
    assert_announces_old_names(response)
    answer = response.json()
    orders = [m["order"] for m in answer["moves"]]
    assert orders == sorted(orders) == list(range(1, len(orders) + 1))
    # The best-match order is still there, as `rank`.
    assert sorted(m["rank"] for m in answer["moves"]) == orders
    assert answer["estimated_seconds"] == answer["estimated_total_seconds"] > 0


def test_old_names_are_marked_deprecated_in_the_contract(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for model, old, new in [
        ("RoutineStepPublic", "position", "order"),
        ("RoutineStepPublic", "estimated_duration_seconds", "estimated_seconds"),
        ("RoutinePublic", "estimated_duration_seconds", "estimated_seconds"),
        ("SessionExercisePublic", "position", "order"),
        ("RecommendationPublic", "estimated_total_seconds", "estimated_seconds"),
    ]:
        properties = schemas[model]["properties"]
        assert properties[old]["deprecated"] is True, (model, old)
        assert f"`{new}`" in properties[old]["description"]
        assert "deprecated" not in properties[new]


def test_responses_without_old_names_announce_nothing(client: TestClient) -> None:
    assert "deprecation" not in client.get("/v1/exercises").headers


def test_curated_routines_have_ids_derived_from_their_slug(client: TestClient) -> None:
    curated = [r for r in client.get("/v1/routines").json()["data"] if r["curated"]]
    assert curated
    for routine in curated:
        assert routine["id"] == str(curated_routine_id(routine["slug"]))


def test_a_curated_routine_can_be_fetched_by_slug(client: TestClient) -> None:
    listed = client.get("/v1/routines").json()["data"][0]
    response = client.get(f"/v1/routines/curated/{listed['slug']}")
    assert response.status_code == 200
    assert response.json() == listed
    assert response.headers["cache-control"].startswith("public")
    again = client.get(
        f"/v1/routines/curated/{listed['slug']}",
        headers={"If-None-Match": response.headers["etag"]},
    )
    assert again.status_code == 304


def test_an_unknown_curated_slug_is_a_404_naming_it(client: TestClient) -> None:
    response = client.get("/v1/routines/curated/no-such-routine")
    assert response.status_code == 404
    body = response.json()
    assert body["type"].endswith("/routine-not-found") and "no-such-routine" in body["detail"]
