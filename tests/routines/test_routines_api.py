"""Routines through the API: curated ones for everyone, own ones for their owner only."""

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col

from app.exercises.models import Exercise
from app.routines.models import RoutineStep
from app.shared.content import ContentVersion
from tests.factories import AuthUser, create_routine, routine_payload

CURATED = ["upper-back-and-shoulders", "mid-back-mobility", "lower-back-relief", "all-five-moves"]


def listed(client: TestClient, query: str = "", user: AuthUser | None = None) -> dict[str, Any]:
    response = client.get(f"/v1/routines?{query}", headers=user.headers if user else None)
    assert response.status_code == 200, response.text
    return response.json()


def curated_id(client: TestClient, slug: str) -> str:
    return next(r["id"] for r in listed(client)["data"] if r["slug"] == slug)


def test_anonymous_callers_see_the_curated_routines_only(
    client: TestClient, alice: AuthUser
) -> None:
    create_routine(client, alice)
    body = listed(client)
    assert [r["slug"] for r in body["data"]] == CURATED
    assert body["count"] == 4
    assert all(r["curated"] for r in body["data"])


def test_the_all_five_routine_runs_the_article_in_order(client: TestClient) -> None:
    routine = client.get(f"/v1/routines/{curated_id(client, 'all-five-moves')}").json()
    assert [s["exercise_slug"] for s in routine["steps"]] == [
        "cat-camel",
        "abdominal-crunches",
        "shoulder-rotations",
        "knee-rolls",
        "hamstring-stretch",
    ]
    knee = routine["steps"][3]
    assert (knee["hold_seconds"], knee["reps"], knee["per_side"]) == (3, 6, True)
    assert routine["areas"] == ["upper", "mid", "lower"]
    assert (
        routine["estimated_duration_seconds"]
        == sum(s["estimated_duration_seconds"] for s in routine["steps"]) + 4 * 15
    )


def test_the_same_dose_takes_the_same_time_in_a_routine_and_a_recommendation(
    client: TestClient, alice: AuthUser
) -> None:
    """Knee rolls at the top of the article's ranges (8 repetitions of a 3 s hold, each side)
    is one estimate everywhere."""
    routine = client.get(f"/v1/routines/{curated_id(client, 'lower-back-relief')}").json()
    knee = routine["steps"][0]
    assert (knee["exercise_slug"], knee["reps"], knee["hold_seconds"]) == ("knee-rolls", 8, 3)
    answer = client.post(
        "/v1/recommendations",
        json={"area": "lower", "pain_level": 3, "red_flags": [], "cautions": []},
    ).json()
    recommended = {m["exercise"]["slug"]: m["estimated_seconds"] for m in answer["moves"]}
    assert knee["estimated_duration_seconds"] == recommended["knee-rolls"] == 96
    hamstring = create_routine(
        client,
        alice,
        steps=[{"exercise_slug": "hamstring-stretch", "hold_seconds": 10}],
    )
    assert hamstring["estimated_duration_seconds"] == recommended["hamstring-stretch"]


def test_routines_carry_the_disclaimer_and_curated_ones_their_provenance(
    client: TestClient, alice: AuthUser
) -> None:
    expected = client.get("/v1/care/referral").json()["disclaimer"]
    mine = create_routine(client, alice)
    assert mine["disclaimer"] == expected
    assert all(step["provenance"] is None for step in mine["steps"])
    for routine in listed(client, "", alice)["data"]:
        assert routine["disclaimer"] == expected
    curated = client.get(f"/v1/routines/{curated_id(client, 'upper-back-and-shoulders')}").json()
    cat, shoulders, hamstring = curated["steps"]
    assert cat["provenance"]["reps"]["basis"] == "inferred"
    assert "no number of repetitions" in cat["provenance"]["reps"]["reason"]
    assert shoulders["provenance"]["hold_seconds"] == {
        "basis": "article",
        "quote": "Hold for 2-3 seconds",
        "reason": "3, within the article's 2-3.",
    }
    assert shoulders["provenance"]["per_side"]["basis"] == "inferred"
    assert hamstring["sets"] == 1 and hamstring["provenance"]["sets"]["basis"] == "inferred"


def test_filter_by_area(client: TestClient, alice: AuthUser) -> None:
    mine = create_routine(client, alice, areas=["upper", "mid"])
    upper = listed(client, "area=upper", alice)
    assert [r["slug"] for r in upper["data"]] == [
        "upper-back-and-shoulders",
        "all-five-moves",
        None,
    ]
    assert upper["data"][-1]["id"] == mine["id"]
    assert [r["slug"] for r in listed(client, "area=lower", alice)["data"]] == [
        "lower-back-relief",
        "all-five-moves",
    ]


def test_unknown_area_filter_is_a_422(client: TestClient) -> None:
    response = client.get("/v1/routines?area=side")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.area"


def test_pagination_reports_the_total(client: TestClient, alice: AuthUser) -> None:
    create_routine(client, alice, name="A")
    create_routine(client, alice, name="B")
    page = listed(client, "limit=2&offset=3", alice)
    assert page["count"] == 6
    assert [r["slug"] or r["name"] for r in page["data"]] == ["all-five-moves", "A"]


def test_create_and_read_an_own_routine(client: TestClient, alice: AuthUser) -> None:
    response = client.post("/v1/routines", json=routine_payload(), headers=alice.headers)
    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["location"] == f"/v1/routines/{created['id']}"
    assert uuid.UUID(created["id"])
    assert created["curated"] is False and created["slug"] is None
    assert created["name"] == "Evening mid-back unwind"
    steps = created["steps"]
    assert [s["position"] for s in steps] == [1, 2]
    assert steps[1]["exercise_name"] == "Knee Rolls"
    # per_side left out: taken from the catalog (knee rolls are done on each side).
    assert [s["per_side"] for s in steps] == [False, True]
    # 5 x 3 s, then 2 sides x 6 x (3 + 3) s, with 15 s to change position.
    assert [s["estimated_duration_seconds"] for s in steps] == [15, 72]
    assert created["estimated_duration_seconds"] == 15 + 72 + 15
    assert client.get(f"/v1/routines/{created['id']}", headers=alice.headers).json() == created
    assert created["id"] in [r["id"] for r in listed(client, user=alice)["data"]]


def test_own_routines_need_a_token(client: TestClient) -> None:
    response = client.post("/v1/routines", json=routine_payload())
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"steps": [{"exercise_slug": "pilates", "reps": 5}]}, "body.steps.0.exercise_slug"),
        ({"steps": [{"exercise_slug": "cat-camel", "reps": 0}]}, "body.steps.0.reps"),
        ({"steps": [{"exercise_slug": "cat-camel", "reps": -3}]}, "body.steps.0.reps"),
        ({"steps": [{"exercise_slug": "cat-camel", "sets": 0, "reps": 5}]}, "body.steps.0.sets"),
        (
            {"steps": [{"exercise_slug": "knee-rolls", "reps": 6, "hold_seconds": 0}]},
            "body.steps.0.hold_seconds",
        ),
        ({"steps": [{"exercise_slug": "cat-camel"}]}, "body.steps.0"),  # no reps, no hold
        ({"steps": []}, "body.steps"),
        ({"areas": []}, "body.areas"),
        ({"areas": ["neck"]}, "body.areas.0"),
        ({"name": "   "}, "body.name"),
        ({"name": "x" * 121}, "body.name"),
    ],
)
def test_invalid_routines_are_422_naming_the_field(
    client: TestClient, alice: AuthUser, change: dict[str, Any], field: str
) -> None:
    response = client.post("/v1/routines", json=routine_payload(**change), headers=alice.headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]


def test_unknown_slug_is_reported_on_its_own_step(client: TestClient, alice: AuthUser) -> None:
    steps = [{"exercise_slug": "cat-camel", "reps": 5}, {"exercise_slug": "yoga", "reps": 5}]
    response = client.post("/v1/routines", json=routine_payload(steps=steps), headers=alice.headers)
    assert response.status_code == 422
    assert "yoga" in response.json()["detail"]
    assert response.json()["errors"][0]["field"] == "body.steps.1.exercise_slug"


def test_update_an_own_routine(client: TestClient, alice: AuthUser) -> None:
    routine = create_routine(client, alice)
    new_steps = [{"exercise_slug": "hamstring-stretch", "sets": 2, "hold_seconds": 10}]
    response = client.patch(
        f"/v1/routines/{routine['id']}",
        json={"name": "Hamstrings", "description": None, "steps": new_steps, "areas": ["lower"]},
        headers=alice.headers,
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["name"], updated["description"], updated["areas"]) == (
        "Hamstrings",
        None,
        ["lower"],
    )
    assert [(s["exercise_slug"], s["sets"], s["hold_seconds"]) for s in updated["steps"]] == [
        ("hamstring-stretch", 2, 10)
    ]
    assert updated["estimated_duration_seconds"] == 2 * (10 + 3) + 20
    assert client.get(f"/v1/routines/{routine['id']}", headers=alice.headers).json() == updated


def test_blank_descriptions_are_stored_as_none(client: TestClient, alice: AuthUser) -> None:
    routine = create_routine(client, alice, description="   ")
    assert routine["description"] is None
    updated = client.patch(
        f"/v1/routines/{routine['id']}", json={"description": " "}, headers=alice.headers
    ).json()
    assert updated["description"] is None


def test_partial_update_keeps_what_was_left_out(client: TestClient, alice: AuthUser) -> None:
    routine = create_routine(client, alice)
    updated = client.patch(
        f"/v1/routines/{routine['id']}", json={"name": "Renamed"}, headers=alice.headers
    ).json()
    assert updated["name"] == "Renamed"
    assert updated["steps"] == routine["steps"]
    assert updated["description"] == routine["description"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": None}, "body.name"),
        ({"steps": None}, "body.steps"),
        ({"steps": [{"exercise_slug": "nope", "reps": 1}]}, "body.steps.0.exercise_slug"),
        ({"areas": []}, "body.areas"),
    ],
)
def test_invalid_updates_are_422(
    client: TestClient, alice: AuthUser, body: dict[str, Any], field: str
) -> None:
    routine = create_routine(client, alice)
    response = client.patch(f"/v1/routines/{routine['id']}", json=body, headers=alice.headers)
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
    assert client.get(f"/v1/routines/{routine['id']}", headers=alice.headers).json() == routine


def test_delete_an_own_routine(client: TestClient, alice: AuthUser) -> None:
    routine = create_routine(client, alice)
    response = client.delete(f"/v1/routines/{routine['id']}", headers=alice.headers)
    assert response.status_code == 204
    assert client.get(f"/v1/routines/{routine['id']}", headers=alice.headers).status_code == 404
    assert routine["id"] not in [r["id"] for r in listed(client, user=alice)["data"]]


def test_curated_routines_are_read_only(client: TestClient, alice: AuthUser) -> None:
    routine_id = curated_id(client, "mid-back-mobility")
    before = client.get(f"/v1/routines/{routine_id}").json()
    patch = client.patch(f"/v1/routines/{routine_id}", json={"name": "Mine"}, headers=alice.headers)
    assert patch.status_code == 403
    assert patch.headers["content-type"] == "application/problem+json"
    delete = client.delete(f"/v1/routines/{routine_id}", headers=alice.headers)
    assert delete.status_code == 403
    assert client.get(f"/v1/routines/{routine_id}").json() == before


def test_writes_without_a_token_are_401_even_on_curated_routines(client: TestClient) -> None:
    routine_id = curated_id(client, "mid-back-mobility")
    assert client.patch(f"/v1/routines/{routine_id}", json={"name": "x"}).status_code == 401
    assert client.delete(f"/v1/routines/{routine_id}").status_code == 401


def test_another_users_routine_is_invisible_on_every_route(
    client: TestClient, alice: AuthUser, bob: AuthUser
) -> None:
    routine = create_routine(client, alice)
    url = f"/v1/routines/{routine['id']}"
    assert routine["id"] not in [r["id"] for r in listed(client, user=bob)["data"]]
    assert listed(client, user=bob)["count"] == 4
    responses = [
        client.get(url, headers=bob.headers),
        client.patch(url, json={"name": "Bob's now"}, headers=bob.headers),
        client.delete(url, headers=bob.headers),
        client.get(url),
    ]
    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    # The same answer as for an id that does not exist at all.
    missing = client.get(f"/v1/routines/{uuid.uuid4()}", headers=bob.headers)
    assert responses[0].json()["title"] == missing.json()["title"]
    assert client.get(url, headers=alice.headers).json() == routine


def test_malformed_id_is_a_422(client: TestClient) -> None:
    response = client.get("/v1/routines/42")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "path.routine_id"


def test_a_move_seeded_since_this_process_read_the_catalog_is_named(
    client: TestClient, db: Session, alice: AuthUser
) -> None:
    """Another process reseeds with a new move and stores a routine using it: this process,
    still holding the catalog it read before, names that move all the same."""
    created = create_routine(client, alice)  # the catalog is read and kept
    move = Exercise(
        slug="wall-angels",
        sort_order=99,
        name="Wall Angels",
        kind="exercise",
        position="standing",
        summary="s",
        benefit="b",
        steps=["Stand with your back to a wall."],
        per_side=False,
        provenance={"per_side": {"basis": "inferred", "quote": None, "reason": "A test move."}},
        source_title="t",
        source_section="s",
        source_heading="h",
        search_text="wall angels",
    )
    db.add(move)
    db.flush()
    db.execute(
        update(RoutineStep)
        .where(col(RoutineStep.routine_id) == uuid.UUID(created["id"]))
        .where(col(RoutineStep.position) == 1)
        .values(exercise_id=move.id)
    )
    db.execute(update(ContentVersion).values(version="reseeded-elsewhere"))
    db.flush()
    db.expire_all()

    for response in (
        client.get(f"/v1/routines/{created['id']}", headers=alice.headers),
        client.get("/v1/routines", headers=alice.headers),
    ):
        assert response.status_code == 200, response.text
    routine = client.get(f"/v1/routines/{created['id']}", headers=alice.headers).json()
    assert [s["exercise_name"] for s in routine["steps"]] == ["Wall Angels", "Knee Rolls"]
