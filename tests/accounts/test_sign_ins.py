"""Sign-ins a person can see and end, and the purge of spent tokens."""

import uuid
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import AccountToken, RefreshToken
from app.accounts.purge import purge_expired
from app.core.clock import utcnow
from tests.factories import DEFAULT_PASSWORD, AuthUser, register_user


def _sign_in(client: TestClient, email: str, device: str) -> dict:
    response = client.post(
        "/v1/auth/token", data={"username": email, "password": DEFAULT_PASSWORD, "device": device}
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_sign_ins_list_each_device_once_and_mark_this_one(
    client: TestClient, alice: AuthUser
) -> None:
    phone = _sign_in(client, alice.email, "Ana's phone")
    # Renewing stays the same sign-in.
    renewed = client.post("/v1/auth/refresh", json={"refresh_token": phone["refresh_token"]})
    assert renewed.status_code == 200
    tablet = _sign_in(client, alice.email, "Tablet")
    headers = {"Authorization": f"Bearer {tablet['access_token']}"}
    body = client.get("/v1/me/sign-ins", headers=headers).json()
    assert body["count"] == 3
    devices = {s["device"]: s for s in body["data"]}
    assert set(devices) == {"Ana's phone", "Tablet", "testclient"}
    assert [s["device"] for s in body["data"] if s["current"]] == ["Tablet"]
    assert devices["Ana's phone"]["last_used_at"] >= devices["Ana's phone"]["created_at"]


def test_ending_a_sign_in_stops_its_refresh_token(client: TestClient, alice: AuthUser) -> None:
    phone = _sign_in(client, alice.email, "Lost phone")
    listed = client.get("/v1/me/sign-ins", headers=alice.headers).json()["data"]
    [lost] = [s for s in listed if s["device"] == "Lost phone"]
    ended = client.delete(f"/v1/me/sign-ins/{lost['id']}", headers=alice.headers)
    assert ended.status_code == 204
    refresh = client.post("/v1/auth/refresh", json={"refresh_token": phone["refresh_token"]})
    assert refresh.status_code == 401
    after = client.get("/v1/me/sign-ins", headers=alice.headers).json()
    assert lost["id"] not in [s["id"] for s in after["data"]]
    again = client.delete(f"/v1/me/sign-ins/{lost['id']}", headers=alice.headers)
    assert again.status_code == 404
    assert again.json()["type"].endswith("sign-in-not-found")


def test_nobody_ends_another_persons_sign_in(
    client: TestClient, alice: AuthUser, bob: AuthUser
) -> None:
    [bobs] = client.get("/v1/me/sign-ins", headers=bob.headers).json()["data"]
    assert client.delete(f"/v1/me/sign-ins/{bobs['id']}", headers=alice.headers).status_code == 404
    refresh = client.post("/v1/auth/refresh", json={"refresh_token": bob.refresh_token})
    assert refresh.status_code == 200


def test_purge_removes_spent_tokens_and_keeps_what_still_protects(
    client: TestClient, db: Session
) -> None:
    user = register_user(client)
    # Rotate once: the first token is used, its family alive, so it stays (reuse detection).
    rotated = client.post("/v1/auth/refresh", json={"refresh_token": user.refresh_token}).json()
    ended = register_user(client)
    client.post("/v1/auth/logout", json={"refresh_token": ended.refresh_token})
    client.post("/v1/auth/password-reset", json={"email": user.email})

    counts = purge_expired(db, utcnow())
    assert counts["refresh_tokens"] >= 1
    mine = db.exec(select(RefreshToken).where(RefreshToken.user_id == uuid.UUID(user.id))).all()
    assert len(mine) == 2
    gone = db.exec(select(RefreshToken).where(RefreshToken.user_id == uuid.UUID(ended.id))).all()
    assert gone == []
    # Reuse of the used token is still noticed.
    reuse = client.post("/v1/auth/refresh", json={"refresh_token": user.refresh_token})
    assert reuse.status_code == 401
    assert (
        client.post(
            "/v1/auth/refresh", json={"refresh_token": rotated["refresh_token"]}
        ).status_code
        == 401
    )

    later = utcnow() + timedelta(days=31)
    purge_expired(db, later)
    assert (
        db.exec(select(RefreshToken).where(RefreshToken.user_id == uuid.UUID(user.id))).all() == []
    )
    assert (
        db.exec(select(AccountToken).where(AccountToken.user_id == uuid.UUID(user.id))).all() == []
    )
