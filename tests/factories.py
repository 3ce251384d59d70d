"""Helpers that create data through the public API, the way a client would."""

import uuid
from dataclasses import dataclass, field

from fastapi.testclient import TestClient

DEFAULT_PASSWORD = "correct horse battery"


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
) -> AuthUser:
    email = email or f"user-{uuid.uuid4().hex[:12]}@example.com"
    body: dict[str, str] = {"email": email, "password": password}
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
