"""Devices: push tokens registered, listed and removed; a token moves to the account that
registered it last."""

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import AuthUser, register_user


def device_payload(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "token": f"tok-{uuid.uuid4().hex}",
        "platform": "ios",
        "app_version": "2.3.1",
        "locale": "de-DE",
    }
    return body | changes


def register_device(client: TestClient, user: AuthUser, **changes: Any) -> dict[str, Any]:
    response = client.post("/v1/me/devices", json=device_payload(**changes), headers=user.headers)
    assert response.status_code in (200, 201), response.text
    return response.json()


def devices(client: TestClient, user: AuthUser) -> list[dict[str, Any]]:
    response = client.get("/v1/me/devices", headers=user.headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_register_list_get_remove(client: TestClient) -> None:
    user = register_user(client)
    payload = device_payload(platform="android", locale="en")
    response = client.post("/v1/me/devices", json=payload, headers=user.headers)
    assert response.status_code == 201, response.text
    device = response.json()
    assert response.headers["Location"] == f"/v1/me/devices/{device['id']}"
    assert {k: device[k] for k in payload} == payload
    assert devices(client, user) == [device]
    assert client.get(f"/v1/me/devices/{device['id']}", headers=user.headers).json() == device

    again = client.post(
        "/v1/me/devices", json=payload | {"app_version": "2.4.0"}, headers=user.headers
    )
    assert again.status_code == 200
    assert (again.json()["id"], again.json()["app_version"]) == (device["id"], "2.4.0")
    assert len(devices(client, user)) == 1

    gone = client.delete(f"/v1/me/devices/{device['id']}", headers=user.headers)
    assert gone.status_code == 204
    assert devices(client, user) == []
    assert client.delete(f"/v1/me/devices/{device['id']}", headers=user.headers).status_code == 404


def test_a_token_moves_to_the_newest_account(client: TestClient) -> None:
    seller, buyer = register_user(client), register_user(client)
    token = f"tok-{uuid.uuid4().hex}"
    old = register_device(client, seller, token=token)
    new = register_device(client, buyer, token=token)
    assert devices(client, seller) == []
    assert [d["token"] for d in devices(client, buyer)] == [token]
    assert new["id"] != old["id"]
    # The seller cannot reach it any more.
    assert client.get(f"/v1/me/devices/{new['id']}", headers=seller.headers).status_code == 404


def test_the_least_recently_registered_goes_past_ten(client: TestClient) -> None:
    user = register_user(client)
    first = register_device(client, user)
    for _ in range(10):
        register_device(client, user)
    listed = devices(client, user)
    assert len(listed) == 10
    assert first["id"] not in {d["id"] for d in listed}


def test_devices_are_private(client: TestClient) -> None:
    owner, other = register_user(client), register_user(client)
    device = register_device(client, owner)
    for method in ("get", "delete"):
        response = getattr(client, method)(f"/v1/me/devices/{device['id']}", headers=other.headers)
        assert response.status_code == 404
        assert response.json()["type"].endswith("/device-not-found")
    assert client.get("/v1/me/devices").status_code == 401


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"token": ""}, "token"),
        ({"token": "has space"}, "token"),
        ({"token": "x" * 1025}, "token"),
        ({"platform": "symbian"}, "platform"),
        ({"app_version": ""}, "app_version"),
        ({"app_version": "1.0 beta"}, "app_version"),
        ({"locale": "german"}, "locale"),
        ({"locale": "d"}, "locale"),
    ],
)
def test_bad_devices_are_422_naming_the_field(
    client: TestClient, changes: dict[str, Any], field: str
) -> None:
    user = register_user(client)
    response = client.post("/v1/me/devices", json=device_payload(**changes), headers=user.headers)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"][:2] == ["body", field]
