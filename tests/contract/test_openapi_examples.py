"""Every model in the contract has an example, every example is valid against its schema, and
the examples are the service's real answers for the seed content (recorded by
`python -m tools.openapi_examples`), not filler a generator made up."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema_rs import Draft202012Validator

from app.main import app
from app.recommendations.schemas import SELF_CARE_EXAMPLE

# When a routine was seeded differs from one database to the next; nothing else may.
VOLATILE = {"created_at", "updated_at"}


def schemas() -> dict[str, Any]:
    return app.openapi()["components"]["schemas"]


def validator(name: str) -> Draft202012Validator:
    # The components travel with the schema, so references resolve inside it.
    document = {"$ref": f"#/components/schemas/{name}", "components": {"schemas": schemas()}}
    return Draft202012Validator(document, validate_formats=True)


@pytest.mark.parametrize("name", sorted(schemas()))
def test_every_model_has_a_valid_example(name: str) -> None:
    examples = schemas()[name].get("examples")
    assert examples, f"{name} has no example"
    check = validator(name)
    for example in examples:
        errors = [str(e) for e in check.iter_errors(example)]
        assert errors == [], (name, errors)


def test_an_invalid_example_would_be_caught() -> None:
    assert not validator("SessionPublic").is_valid({"id": "not a uuid"})


def without_volatile(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_volatile(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [without_volatile(v) for v in value]
    return value


@pytest.mark.parametrize(
    ("name", "method", "path", "body"),
    [
        ("ExerciseList", "GET", "/v1/exercises?area=lower&limit=2", None),
        ("AreaList", "GET", "/v1/areas", None),
        ("ScreeningQuestionList", "GET", "/v1/screening/questions", None),
        ("RecommendationPublic", "POST", "/v1/recommendations", SELF_CARE_EXAMPLE),
        ("RoutinePublic", "GET", "/v1/routines/curated/mid-back-mobility", None),
        ("CareReferralPublic", "GET", "/v1/care/referral", None),
    ],
)
def test_examples_are_what_the_service_answers(
    client: TestClient, name: str, method: str, path: str, body: Any
) -> None:
    response = client.request(method, path, json=body)
    assert response.status_code == 200
    (example,) = schemas()[name]["examples"]
    assert without_volatile(example) == without_volatile(response.json()), (
        f"the {name} example is stale: run `python -m tools.openapi_examples`, then "
        "`python -m tools.openapi_export`"
    )


def test_session_examples_have_consistent_flags() -> None:
    for name in ("SessionPublic", "SessionList"):
        example = schemas()[name]["examples"][0]
        sessions = example.get("data", [example])
        for session in sessions:
            assert not (session["improved"] and session["flare_up"])
            assert session["pain_change"] == session["pain_after"] - session["pain_before"]
            assert session["started_at"] < session["completed_at"]
            assert session["started_at"].startswith("2026-")
