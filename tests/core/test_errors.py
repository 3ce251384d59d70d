"""Every error, ours or the framework's, is RFC 9457 problem details with the API version."""

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.contract.versioning import API_VERSION
from app.core.config import get_settings
from app.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    TooManyRequests,
    Unauthorized,
)
from app.core.ratelimit import AUTH_BUCKET, rate_limited
from app.main import create_app
from tests.factories import register_user, small_limiter

PROBLEM = "application/problem+json"
VALID_RECOMMENDATION = {
    "area": "lower",
    "pain_level": 4,
    "red_flags": [],
    "cautions": [],
    "limitations": [],
}


def assert_problem(response, status: int, slug: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["api-version"] == API_VERSION
    body = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= body.keys()
    assert body["status"] == status
    assert body["instance"] == response.request.url.path
    if slug:
        assert body["type"].endswith("/" + slug)
    return body


def test_unknown_path_is_a_problem(client) -> None:
    body = assert_problem(client.get("/v1/no-such-thing"), 404, "not-found")
    assert body["detail"] == "No resource at /v1/no-such-thing."


def test_unknown_resource_is_a_problem(client) -> None:
    body = assert_problem(client.get("/v1/exercises/no-such-move"), 404)
    assert "no-such-move" in body["detail"]


def test_wrong_method_is_a_problem_and_lists_the_allowed_ones(client) -> None:
    response = client.delete("/v1/exercises")
    body = assert_problem(response, 405, "method-not-allowed")
    assert response.headers["allow"] == "GET, HEAD, OPTIONS"
    assert "DELETE" in body["detail"]


def test_405_lists_every_method_of_the_path_not_just_the_first_route(client) -> None:
    assert client.put("/v1/me").headers["allow"] == "DELETE, GET, HEAD, OPTIONS, PATCH"
    assert client.put("/v1/routines").headers["allow"] == "GET, HEAD, OPTIONS, POST"


def test_malformed_json_is_a_400_problem(client) -> None:
    response = client.post(
        "/v1/recommendations",
        content=b'{"area": "lower", "pain_level": ',
        headers={"Content-Type": "application/json"},
    )
    body = assert_problem(response, 400, "malformed-json")
    assert "errors" not in body


def test_invalid_query_parameter_names_the_field(client) -> None:
    body = assert_problem(client.get("/v1/exercises?area=elbow&limit=0"), 422, "validation-error")
    fields = {error["field"] for error in body["errors"]}
    assert fields == {"query.area", "query.limit"}
    assert all(error["message"] and error["type"] for error in body["errors"])


def test_invalid_body_names_each_field(client) -> None:
    response = client.post(
        "/v1/recommendations",
        json={"area": "lower", "pain_level": 11, "red_flags": [], "cautions": []},
    )
    body = assert_problem(response, 422, "validation-error")
    assert [error["loc"] for error in body["errors"]] == [["body", "pain_level"]]
    assert "body.pain_level" in body["detail"]


def test_body_over_the_limit_is_refused_with_413(client) -> None:
    limit = get_settings().max_request_body_bytes
    too_big = b'{"area": "lower", "pad": "' + b"x" * limit + b'"}'
    response = client.post(
        "/v1/recommendations", content=too_big, headers={"Content-Type": "application/json"}
    )
    body = assert_problem(response, 413, "content-too-large")
    assert str(limit) in body["detail"]


def test_chunked_body_over_the_limit_is_refused_with_413(client) -> None:
    chunk = b"x" * (64 * 1024)

    def stream() -> Iterator[bytes]:
        yield b'{"pad": "'
        for _ in range(20):
            yield chunk
        yield b'"}'

    response = client.post(
        "/v1/recommendations", content=stream(), headers={"Content-Type": "application/json"}
    )
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert_problem(response, 413, "content-too-large")


def test_chunked_body_under_the_limit_reaches_the_endpoint_intact(client) -> None:
    import json

    raw = json.dumps(VALID_RECOMMENDATION).encode()
    response = client.post(
        "/v1/recommendations",
        content=iter([raw[:10], raw[10:]]),
        headers={"Content-Type": "application/json"},
    )
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert response.status_code == 200, response.text
    assert response.json()["triage"]["level"] == "self_care"


def test_successful_responses_carry_the_api_version(client) -> None:
    response = client.get("/v1/exercises")
    assert response.status_code == 200
    assert response.headers["api-version"] == API_VERSION
    assert client.get("/healthz").headers["api-version"] == API_VERSION


# Statuses that depend on routes the catalog does not have are checked on a small app built
# the same way as the real one, with routes that raise the domain errors services raise.


class ExpiredToken(Unauthorized):
    headers = None


def raiser(error: DomainError) -> Callable[[], None]:
    def raise_it() -> None:
        raise error

    return raise_it


@pytest.fixture(scope="module")
def probe() -> Iterator[TestClient]:
    app: FastAPI = create_app()
    raising: dict[str, DomainError] = {
        "/probe/unauthorized": Unauthorized("The access token has expired."),
        "/probe/unauthorized-subclass": ExpiredToken("The access token has expired."),
        "/probe/forbidden": Forbidden("Curated routines are read-only."),
        "/probe/conflict": Conflict("That email address is already registered."),
        "/probe/not-found": NotFound("No routine with that id."),
        "/probe/throttled": TooManyRequests(12.2),
    }
    for path, error in raising.items():
        app.add_api_route(path, raiser(error), include_in_schema=False)

    def crash() -> None:
        raise RuntimeError("secret: /srv/app/config.py line 12 password=hunter2")

    def limited() -> dict[str, bool]:
        return {"ok": True}

    app.add_api_route("/probe/crash", crash)
    app.add_api_route("/probe/limited", limited, dependencies=[rate_limited(AUTH_BUCKET)])
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.mark.parametrize("path", ["/probe/unauthorized", "/probe/unauthorized-subclass"])
def test_401_carries_a_bearer_challenge(probe: TestClient, path: str) -> None:
    response = probe.get(path)
    body = assert_problem(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"
    assert body["detail"] == "The access token has expired."


@pytest.mark.parametrize(
    ("path", "status", "slug"),
    [
        ("/probe/forbidden", 403, "forbidden"),
        ("/probe/conflict", 409, "conflict"),
        ("/probe/not-found", 404, "not-found"),
    ],
)
def test_domain_errors_map_to_their_status(
    probe: TestClient, path: str, status: int, slug: str
) -> None:
    assert_problem(probe.get(path), status, slug)


def test_429_says_when_to_retry(probe: TestClient) -> None:
    response = probe.get("/probe/throttled")
    assert_problem(response, 429, "rate-limited")
    assert response.headers["retry-after"] == "13"


def test_unexpected_error_is_a_500_problem_without_internals(
    probe: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    response = probe.get("/probe/crash")
    body = assert_problem(response, 500, "internal-error")
    assert "secret" not in response.text and "Traceback" not in response.text
    assert "hunter2" not in response.text
    assert body["detail"] == "Something went wrong on our side. Please retry later."
    # Operators still get the traceback in the log.
    assert any(record.exc_info for record in caplog.records if record.name == "app.errors")


def test_rate_limited_route_answers_429_once_the_allowance_is_spent(probe: TestClient) -> None:
    app = probe.app
    assert isinstance(app, FastAPI)
    saved = app.state.rate_limiter
    app.state.rate_limiter = small_limiter(limit=2, window_seconds=60)
    try:
        assert probe.get("/probe/limited").status_code == 200
        assert probe.get("/probe/limited").status_code == 200
        response = probe.get("/probe/limited")
    finally:
        app.state.rate_limiter = saved
    assert_problem(response, 429, "rate-limited")
    assert 1 <= int(response.headers["retry-after"]) <= 60


def test_every_route_documents_429_naming_the_policies_that_count_it(probe: TestClient) -> None:
    spec = probe.get("/openapi.json").json()
    limited = spec["paths"]["/probe/limited"]["get"]["responses"]
    assert list(limited["429"]["content"]) == [PROBLEM]
    assert "Retry-After" in limited["429"]["headers"]
    assert "`default`, `auth`" in limited["429"]["description"]
    # Every request counts under the default policy, so every operation can answer 429.
    crash = spec["paths"]["/probe/crash"]["get"]["responses"]
    assert "`default`." in crash["429"]["description"]
    assert "`auth`" not in crash["429"]["description"]
    assert "500" in crash
    for response in [*limited.values(), *crash.values()]:
        assert {"RateLimit", "RateLimit-Policy"} <= set(response["headers"])


# The same contract on the account endpoints.


def test_missing_or_bad_token_is_401_with_a_challenge(client) -> None:
    missing = client.get("/v1/me")
    assert_problem(missing, 401)
    assert missing.headers["www-authenticate"].startswith("Bearer")
    bad = client.get("/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert_problem(bad, 401)
    assert bad.headers["www-authenticate"].startswith("Bearer")


def test_duplicate_registration_is_409(client) -> None:
    body = {"email": "twice@example.com", "password": "correct horse battery"}
    assert client.post("/v1/auth/register", json=body).status_code == 201
    assert_problem(client.post("/v1/auth/register", json=body), 409)


def test_login_is_rate_limited(client) -> None:
    app = client.app
    assert isinstance(app, FastAPI)
    app.state.rate_limiter = small_limiter(limit=2, window_seconds=60)
    attempt = {"username": "nobody@example.com", "password": "wrong password"}
    assert client.post("/v1/auth/token", data=attempt).status_code == 401
    assert client.post("/v1/auth/token", data=attempt).status_code == 401
    response = client.post("/v1/auth/token", data=attempt)
    assert_problem(response, 429, "rate-limited")
    assert 1 <= int(response.headers["retry-after"]) <= 60
    # Registration draws on the same allowance: guessing cannot move to the other door.
    signup = {"email": "new@example.com", "password": "correct horse battery"}
    assert_problem(client.post("/v1/auth/register", json=signup), 429)


def test_sign_up_and_sign_in_document_429(client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/v1/auth/register", "/v1/auth/token"):
        responses = paths[path]["post"]["responses"]
        assert list(responses["429"]["content"]) == [PROBLEM], path
        assert "Retry-After" in responses["429"]["headers"], path
        assert "`auth`" in responses["429"]["description"], path
    assert "`auth`" not in paths["/v1/me"]["get"]["responses"]["429"]["description"]


def test_changing_a_curated_routine_is_403(client) -> None:
    user = register_user(client)
    curated = next(r for r in client.get("/v1/routines").json()["data"] if r["curated"])
    response = client.patch(
        f"/v1/routines/{curated['id']}", json={"name": "Mine now"}, headers=user.headers
    )
    assert_problem(response, 403)
