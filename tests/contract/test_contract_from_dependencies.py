"""What a route's dependencies say reaches both the answers and the contract: each error a
dependency raises is sent and documented on the operations that use it, a dependency that
reads a token but welcomes anonymous callers makes auth optional, and a deprecated route
announces itself in its headers and in the document."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import app
from app.routines.models import curated_routine_id
from tests.conftest import documented_problem_types
from tests.factories import AuthUser, register_user, session_payload

MISSING = "5f0c4a59-3f7e-4c1b-9d8e-2f6a1b7c9e01"
CURATED = str(curated_routine_id("mid-back-mobility"))
BEARER: list[dict[str, list[str]]] = [{"OAuth2PasswordBearer": []}]
OPTIONAL: list[dict[str, list[str]]] = [{}, {"OAuth2PasswordBearer": []}]


def operation(method: str, path: str) -> dict[str, Any]:
    return app.openapi()["paths"][path][method.lower()]


# (method, path sent, the operation's path, status, problem type): each raised by a dependency
# (an owned or visible resource, the signed-in user), not declared by the route itself.
RAISED_BY_DEPENDENCIES = [
    ("GET", f"/v1/plans/{MISSING}", "/v1/plans/{plan_id}", 404, "plan-not-found"),
    ("GET", f"/v1/me/devices/{MISSING}", "/v1/me/devices/{device_id}", 404, "device-not-found"),
    ("GET", f"/v1/checkins/{MISSING}", "/v1/checkins/{checkin_id}", 404, "checkin-not-found"),
    (
        "DELETE",
        f"/v1/progress/sessions/{MISSING}",
        "/v1/progress/sessions/{session_id}",
        404,
        "session-not-found",
    ),
    (
        "GET",
        f"/v1/outcomes/peg/responses/{MISSING}",
        "/v1/outcomes/peg/responses/{response_id}",
        404,
        "peg-response-not-found",
    ),
    ("GET", f"/v1/routines/{MISSING}", "/v1/routines/{routine_id}", 404, "routine-not-found"),
    (
        "DELETE",
        f"/v1/routines/{CURATED}",
        "/v1/routines/{routine_id}",
        403,
        "curated-routine-read-only",
    ),
    ("GET", "/v1/exercises/no-such-move", "/v1/exercises/{slug}", 404, "exercise-not-found"),
]


@pytest.mark.parametrize(
    ("method", "path", "template", "status", "slug"),
    RAISED_BY_DEPENDENCIES,
    ids=[case[-1] for case in RAISED_BY_DEPENDENCIES],
)
def test_an_error_a_dependency_raises_is_documented_where_it_is_sent(
    client: TestClient,
    alice: AuthUser,
    method: str,
    path: str,
    template: str,
    status: int,
    slug: str,
) -> None:
    response = client.request(method, path, headers=alice.headers)
    assert response.status_code == status, response.text
    sent = response.json()["type"]
    assert sent.endswith(f"/{slug}")
    assert sent in documented_problem_types(operation(method, template)["responses"][str(status)])


def test_the_signed_in_users_errors_are_documented_where_they_are_sent(
    client: TestClient,
) -> None:
    carol = register_user(client, health_data_consent=False)
    for method, path, headers, body, status, slug in [
        ("GET", "/v1/me", {"Authorization": "Bearer not-a-token"}, None, 401, "invalid-token"),
        # Anonymous callers are welcome there, but a token that is sent must be good.
        ("GET", "/v1/routines", {"Authorization": "Bearer nope"}, None, 401, "invalid-token"),
        (
            "POST",
            "/v1/progress/sessions",
            carol.headers,
            session_payload(),
            403,
            "consent-required",
        ),
    ]:
        response = client.request(method, path, headers=headers, json=body)
        assert response.status_code == status, (path, response.text)
        sent = response.json()["type"]
        assert sent.endswith(f"/{slug}"), path
        documented = operation(method, path)["responses"][str(status)]
        assert sent in documented_problem_types(documented), path


def test_routes_that_welcome_anonymous_callers_document_optional_auth(
    client: TestClient,
) -> None:
    screen = operation("POST", "/v1/recommendations")["requestBody"]["content"]["application/json"]
    answers = next(iter(screen["examples"].values()))["value"]
    for method, path, body in [
        ("GET", "/v1/routines", None),
        ("GET", f"/v1/routines/{CURATED}", None),
        ("POST", "/v1/recommendations", answers),
    ]:
        assert client.request(method, path, json=body).status_code == 200, path
        template = path.replace(CURATED, "{routine_id}")
        assert operation(method, template)["security"] == OPTIONAL, path
    assert client.get("/v1/me").status_code == 401
    assert operation("GET", "/v1/me")["security"] == BEARER


def test_deprecated_routes_announce_themselves_in_their_headers_and_the_contract(
    client: TestClient, alice: AuthUser
) -> None:
    # Answers that still carry fields under old names say so, as the contract documents.
    for path in ("/v1/routines", f"/v1/routines/{CURATED}"):
        response = client.get(path, headers=alice.headers)
        assert response.status_code == 200, path
        assert {"deprecation", "sunset"} <= set(response.headers), path
        documented = operation("GET", path.replace(CURATED, "{routine_id}"))["responses"]["200"]
        assert {"Deprecation", "Sunset"} <= set(documented["headers"]), path
    # The deprecated operation (its answers' headers: tests/reports/test_report_api.py).
    report = operation("GET", "/v1/me/report")
    assert report["deprecated"] is True
    assert {"Deprecation", "Sunset"} <= set(report["responses"]["200"]["headers"])
    current = client.get("/v1/exercises")
    assert "deprecation" not in current.headers
    assert "Deprecation" not in operation("GET", "/v1/exercises")["responses"]["200"]["headers"]
