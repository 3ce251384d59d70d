"""Headers that keep private data out of shared caches and browsers from guessing."""

import pytest
from fastapi.testclient import TestClient

from app.core.config import Environment, Settings
from app.main import create_app
from tests.factories import AFTER_SAMPLES, create_routine, log_session, register_user


@pytest.mark.parametrize("path", ["/v1/exercises", "/healthz", "/v1/nowhere", "/v1/me"])
def test_every_response_forbids_sniffing_and_referrers(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


@pytest.mark.time_machine(AFTER_SAMPLES)
def test_private_data_is_never_stored_by_a_cache(client: TestClient) -> None:
    user = register_user(client)
    routine = create_routine(client, user)
    session = log_session(client, user)
    for path in [
        "/v1/me",
        "/v1/me/export",
        "/v1/progress/sessions",
        f"/v1/progress/sessions/{session['id']}",
        "/v1/progress/summary",
        "/v1/routines",
        f"/v1/routines/{routine['id']}",
    ]:
        response = client.get(path, headers=user.headers)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store", path
    written = client.patch("/v1/me", json={"display_name": "Ana"}, headers=user.headers)
    assert written.headers["cache-control"] == "no-store"


def test_the_public_catalog_stays_cacheable_for_signed_in_callers(client: TestClient) -> None:
    user = register_user(client)
    response = client.get("/v1/exercises", headers=user.headers)
    assert response.headers["cache-control"].startswith("public")


def test_routines_vary_on_who_asks(client: TestClient) -> None:
    anonymous = client.get("/v1/routines")
    assert "Authorization" in anonymous.headers["vary"].split(", ")
    curated = anonymous.json()["data"][0]
    one = client.get(f"/v1/routines/{curated['id']}")
    assert "Authorization" in one.headers["vary"].split(", ")


def cors_client(origins: str) -> TestClient:
    settings = Settings(environment=Environment.DEVELOPMENT, cors_origins=origins)
    return TestClient(create_app(settings))


def test_no_cross_origin_access_by_default(client: TestClient) -> None:
    preflight = client.options(
        "/v1/exercises",
        headers={"Origin": "https://app.example.com", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in preflight.headers
    plain = client.get("/v1/exercises", headers={"Origin": "https://app.example.com"})
    assert "access-control-allow-origin" not in plain.headers


def test_a_preflight_from_an_allowed_origin_works() -> None:
    with cors_client("https://app.example.com, https://admin.example.com") as browser:
        preflight = browser.options(
            "/v1/progress/sessions",
            headers={
                "Origin": "https://app.example.com",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://app.example.com"
        assert "POST" in preflight.headers["access-control-allow-methods"]
        assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
        response = browser.get("/v1/exercises", headers={"Origin": "https://app.example.com"})
        assert response.headers["access-control-allow-origin"] == "https://app.example.com"
        assert "ETag" in response.headers["access-control-expose-headers"]
        other = browser.options(
            "/v1/exercises",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        )
        assert other.status_code == 400
        assert "access-control-allow-origin" not in other.headers
