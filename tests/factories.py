"""Helpers that create data through the public API, the way a client would."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from limits import RateLimitItemPerSecond

from app.core.config import Settings
from app.core.ratelimit import AUTH_BUCKET, Limiter, PrunedMemoryStorage, build_limiter

DEFAULT_PASSWORD = "correct horse battery"
# The versions in seed/policies.json that people accept now.
POLICY_VERSION = "2026-11-24"
ALL_CONSENTS = [
    {"purpose": "terms", "version": POLICY_VERSION},
    {"purpose": "privacy_notice", "version": POLICY_VERSION},
    {"purpose": "health_data", "version": POLICY_VERSION},
]


@dataclass
class AuthUser:
    """A registered, signed-in person and the credentials a client would hold."""

    id: str
    email: str
    password: str
    access_token: str
    refresh_token: str
    headers: dict[str, str] = field(default_factory=dict)


def login(client: TestClient, email: str, password: str = DEFAULT_PASSWORD) -> dict:
    response = client.post("/v1/auth/token", data={"username": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def register_user(
    client: TestClient,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
    timezone: str | None = None,
    health_data_consent: bool = True,
) -> AuthUser:
    """Sign up (accepting the terms and privacy notice, and by default giving health-data
    consent) and sign in."""
    email = email or f"user-{uuid.uuid4().hex[:12]}@example.com"
    consents = [c for c in ALL_CONSENTS if health_data_consent or c["purpose"] != "health_data"]
    body: dict[str, Any] = {"email": email, "password": password, "consents": consents}
    if timezone is not None:
        body["timezone"] = timezone
    response = client.post("/v1/auth/register", json=body)
    assert response.status_code == 201, response.text
    user = response.json()
    tokens = login(client, email, password)
    return AuthUser(
        id=user["id"],
        email=user["email"],
        password=password,
        access_token=tokens["access_token"],
        refresh_token=tokens["refresh_token"],
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )


def set_timezone(client: TestClient, user: AuthUser, timezone: str) -> None:
    response = client.patch("/v1/me", json={"timezone": timezone}, headers=user.headers)
    assert response.status_code == 200, response.text


# --- routines and progress -------------------------------------------------------------


def routine_payload(**changes: Any) -> dict[str, Any]:
    """A valid body for POST /v1/routines."""
    body: dict[str, Any] = {
        "name": "Evening mid-back unwind",
        "description": "After work.",
        "areas": ["mid"],
        "steps": [
            {"exercise_slug": "cat-camel", "sets": 1, "reps": 5},
            {"exercise_slug": "knee-rolls", "sets": 1, "reps": 6, "hold_seconds": 3},
        ],
    }
    return body | changes


def create_routine(client: TestClient, user: AuthUser, **changes: Any) -> dict[str, Any]:
    response = client.post("/v1/routines", json=routine_payload(**changes), headers=user.headers)
    assert response.status_code == 201, response.text
    return response.json()


# After every date in the sample bodies below (the sample session ends 2026-11-20T12:42Z). A
# test that posts them through an unpinned clock runs at this instant,
# `@pytest.mark.time_machine(AFTER_SAMPLES)`, so they are in the past on any machine's clock.
AFTER_SAMPLES = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def session_payload(**changes: Any) -> dict[str, Any]:
    """A valid body for POST /v1/progress/sessions (no id: add one to test retries)."""
    body: dict[str, Any] = {
        "area": "lower",
        "started_at": "2026-11-20T07:30:00-05:00",
        "completed_at": "2026-11-20T07:42:00-05:00",
        "pain_before": 6,
        "pain_after": 3,
        "exercises": [
            {"exercise_slug": "knee-rolls", "sets": 1, "reps": 8, "hold_seconds": 3},
            {"exercise_slug": "hamstring-stretch", "sets": 2, "hold_seconds": 5},
        ],
        "notes": "Stiff after the drive.",
    }
    return body | changes


def log_session(client: TestClient, user: AuthUser, **changes: Any) -> dict[str, Any]:
    response = client.post(
        "/v1/progress/sessions", json=session_payload(**changes), headers=user.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def freeze_now(moment: datetime) -> None:
    """Make the app's clock read `moment` until the test ends (the client fixture clears
    dependency overrides)."""
    from app.core.clock import request_time
    from app.main import app

    app.dependency_overrides[request_time] = lambda: moment


def small_limiter(limit: int, window_seconds: int) -> Limiter:
    """A sign-in allowance of `limit` attempts per window, in its own memory storage."""
    items = build_limiter(Settings()).items | {
        AUTH_BUCKET: RateLimitItemPerSecond(limit, window_seconds)
    }
    return Limiter(PrunedMemoryStorage(), items)
